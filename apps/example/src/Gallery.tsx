import { useObjectUrl } from "./use-object-url";

/** One finished generation of this session. */
export interface GalleryItem {
  id: number;
  model: string;
  prompt: string;
  blob: Blob;
}

function GalleryEntry({ item }: { item: GalleryItem }) {
  const url = useObjectUrl(item.blob);
  if (!url) return null;
  const isVideo = item.blob.type.startsWith("video/");
  return (
    <figure>
      {isVideo ? <video src={url} muted loop autoPlay playsInline /> : <img src={url} alt={item.prompt} />}
      <figcaption>
        <a href={url} download={fileName(item)}>
          {item.model}
        </a>{" "}
        {item.prompt}
      </figcaption>
    </figure>
  );
}

/** A file name for a result: the model, its number in the session, and the extension of its type. */
export function fileName(item: Pick<GalleryItem, "id" | "model" | "blob">): string {
  const extension = item.blob.type === "video/mp4" ? "mp4" : item.blob.type === "image/png" ? "png" : "bin";
  return `${item.model}-${item.id}.${extension}`;
}

/** This session's results, newest first. */
export function Gallery({ items }: { items: GalleryItem[] }) {
  if (items.length === 0) return null;
  return (
    <section className="gallery" aria-label="Gallery">
      <h2>This session</h2>
      <div className="grid">
        {items.map((item) => (
          <GalleryEntry key={item.id} item={item} />
        ))}
      </div>
    </section>
  );
}

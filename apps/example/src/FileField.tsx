import { useObjectUrl } from "./use-object-url";

interface FileFieldProps {
  field: string;
  label: string;
  accept: "image" | "video";
  file: File | undefined;
  onChange: (file: File | undefined) => void;
}

/** A file picker with a preview of the chosen image or video. */
export function FileField({ field, label, accept, file, onChange }: FileFieldProps) {
  const preview = useObjectUrl(file);
  return (
    <label className="file-field">
      <span>
        {label} ({accept})
      </span>
      <input
        type="file"
        name={field}
        data-testid={`file-${field}`}
        accept={`${accept}/*`}
        onChange={(event) => onChange(event.currentTarget.files?.[0])}
      />
      {preview &&
        (accept === "image" ? (
          <img className="preview" src={preview} alt={`${label} preview`} />
        ) : (
          <video className="preview" src={preview} muted loop autoPlay playsInline />
        ))}
    </label>
  );
}

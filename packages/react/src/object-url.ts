/**
 * Holds at most one object URL, for the Blob last asked about. Asking for another Blob (or
 * `release()`) revokes the previous URL, so a component never leaks more than the one it shows.
 * `URL` is only touched when a result arrives (see `ProcessStore`), never at import or on the server.
 */
export class ObjectUrlHolder {
  private blob: Blob | undefined;
  private url: string | undefined;

  /** The object URL of `blob`, created on first request and reused until `blob` changes. */
  urlFor(blob: Blob | undefined): string | undefined {
    if (blob === undefined) {
      this.release();
      return undefined;
    }
    if (this.blob !== blob || this.url === undefined) {
      this.release();
      this.blob = blob;
      this.url = URL.createObjectURL(blob);
    }
    return this.url;
  }

  /** Revokes the held URL, if any. */
  release(): void {
    if (this.url !== undefined) URL.revokeObjectURL(this.url);
    this.blob = undefined;
    this.url = undefined;
  }
}

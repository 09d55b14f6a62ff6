import { randomBytes } from "node:crypto";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A fresh address for a local socket: Linux's abstract namespace, a Windows pipe, else a file in tmpdir
 * (short: a socket path has room for about 100 bytes).
 */
function localAddress(): string {
  const name = `decart-${process.pid}-${randomBytes(6).toString("hex")}`;
  if (process.platform === "linux") return `\0${name}`;
  if (process.platform === "win32") return `\\\\.\\pipe\\${name}`;
  return join(tmpdir(), `${name}.sock`);
}

/**
 * Reads a child process's output as fixed-size frames, straight into one buffer: no chunk is allocated
 * per read (a video decoded through the usual stdout pipe is as many megabytes of garbage as it has
 * frames, collected late). The output is a local socket the child writes to as its stdout
 * ({@link FrameReader.childEnd}); reading pauses on each complete frame until the next one is asked
 * for, so the child waits, and what it has written meanwhile is bounded by the socket's buffer, in bytes.
 *
 * Usage: `await FrameReader.open(frame)`, spawn the child with `stdio: [_, reader.childEnd, _]`, call
 * `reader.releaseChildEnd()`, then `await reader.next()` for each frame (`false` at the end of the
 * output), and `reader.close()` when done.
 */
export class FrameReader {
  private filled = 0;
  /** A complete frame is in the buffer (being read by the caller once handed out). */
  private complete = false;
  private handedOut = false;
  private ended = false;
  private wake: (() => void) | undefined;

  private constructor(
    private readonly frame: Uint8Array,
    private near: Socket | undefined,
    /** The socket to hand to the child as its stdout. */
    readonly childEnd: Socket,
  ) {}

  /** A reader of frames of `frame.length` bytes into `frame`, with its socket pair connected. */
  static async open(frame: Uint8Array): Promise<FrameReader> {
    const server = createServer();
    const address = localAddress();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(address, resolve);
      });
      const accepted = new Promise<Socket>((resolve) => server.once("connection", resolve));
      let reader: FrameReader | undefined;
      const near = connect({
        path: address,
        onread: {
          buffer: () => frame.subarray(reader?.filled ?? 0),
          callback: (bytes) => reader?.onRead(bytes) ?? true,
        },
      });
      near.on("error", () => {});
      await new Promise<void>((resolve, reject) => {
        near.once("connect", resolve);
        near.once("error", reject);
      });
      const childEnd = await accepted;
      childEnd.on("error", () => {});
      reader = new FrameReader(frame, near, childEnd);
      const done = () => reader?.end();
      near.on("end", done);
      near.on("close", done);
      return reader;
    } finally {
      server.close();
    }
  }

  /** Lets go of this process's copy of the child's end, once the child holds its own. */
  releaseChildEnd(): void {
    this.childEnd.destroy();
  }

  /** Bytes arrived in the frame; on a complete frame, reading pauses until {@link next} is called again. */
  private onRead(bytes: number): boolean {
    this.filled += bytes;
    if (this.filled < this.frame.length) return true;
    this.filled = 0;
    this.complete = true;
    this.wake?.();
    return false;
  }

  private end(): void {
    this.ended = true;
    this.wake?.();
  }

  /**
   * Resolves `true` when the next frame is in the buffer (the previous one is then done with), `false`
   * once the output ended first (a partial frame at the end is dropped).
   */
  async next(): Promise<boolean> {
    if (this.handedOut) {
      this.handedOut = false;
      this.complete = false;
      this.near?.resume();
    }
    while (!this.complete && !this.ended) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
    if (!this.complete) return false;
    this.handedOut = true;
    return true;
  }

  /** Stops reading: nothing is written into the buffer after this. */
  close(): void {
    this.near?.destroy();
    this.near = undefined;
    this.childEnd.destroy();
    this.end();
  }
}

import { DecartSDKError, InvalidInputError } from "@decart/core";
import { type UseProcessInput, useProcess } from "@decart/react";
import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { FileField } from "./FileField";
import { fileName, Gallery, type GalleryItem } from "./Gallery";
import { type KeyMode, keyModes, serverRoutes } from "./key-modes";
import { type Mode, modes, trajectories } from "./modes";

/** Builds the inputs of `client.process` from the form. Validation is left to the SDK, which names the field. */
function buildInput(mode: Mode, form: FormState): UseProcessInput {
  const input: Record<string, unknown> = { model: mode.model };
  if (mode.prompt) input.prompt = form.prompt;
  if (form.seed.trim() !== "") input.seed = Number(form.seed);
  if (mode.resolutions.length > 0) input.resolution = form.resolution;
  if (mode.orientation) input.orientation = form.orientation;
  if (mode.enhancePrompt) input.enhance_prompt = form.enhancePrompt;
  if (mode.inferenceSteps && form.inferenceSteps.trim() !== "") {
    input.num_inference_steps = Number(form.inferenceSteps);
  }
  if (mode.trajectory) {
    // The path is drawn in fractions of the frame; the API takes output pixels.
    const size = mode.model.geometry[form.resolution] ?? { width: 1280, height: 704 };
    input.trajectory = (trajectories[form.trajectory] ?? []).map((point) => ({
      frame: point.frame,
      x: Math.round(point.x * size.width),
      y: Math.round(point.y * size.height),
    }));
  }
  for (const { field } of mode.files) {
    const file = form.files[field];
    if (file) input[field] = file;
  }
  return input as UseProcessInput;
}

interface FormState {
  prompt: string;
  seed: string;
  resolution: string;
  orientation: "landscape" | "portrait";
  enhancePrompt: boolean;
  inferenceSteps: string;
  trajectory: string;
  files: Record<string, File | undefined>;
}

const initialForm: FormState = {
  prompt: "A serene lake at sunset with mountains in the background",
  seed: "42",
  resolution: "720p",
  orientation: "landscape",
  enhancePrompt: false,
  inferenceSteps: "",
  trajectory: "Left to right",
  files: {},
};

function percent(fraction: number | undefined): string {
  return fraction === undefined ? "" : `${Math.round(fraction * 100)}%`;
}

/** Shows an SDK error as it is: its class, message, and what the server said about it. */
function ErrorMessage({ error }: { error: Error }) {
  const details =
    error instanceof DecartSDKError
      ? [error.code, error.status && `HTTP ${error.status}`, error.requestId && `request ${error.requestId}`]
      : [];
  return (
    <div className="error" role="alert" data-testid="error">
      <strong>{error.name}</strong>: {error.message}
      {details.some(Boolean) && <small>{details.filter(Boolean).join(" · ")}</small>}
      {error instanceof InvalidInputError && <small>Fix the highlighted input and try again.</small>}
    </div>
  );
}

/** Which way the page reaches Decart, and a link to the other one (a reload with its `?keys=`). */
function KeyModeSwitch({ keys, apiBaseUrl }: { keys: KeyMode; apiBaseUrl: string | undefined }) {
  return (
    <>
      <nav className="key-modes" aria-label="Keys">
        {keyModes.map(({ mode, label }) => (
          <a
            key={mode}
            href={mode === "proxy" ? "?" : `?keys=${mode}`}
            aria-current={mode === keys ? "page" : undefined}
            data-testid={`keys-${mode}`}
          >
            {label}
          </a>
        ))}
      </nav>
      <p data-testid="key-mode">
        {keys === "proxy" ? (
          <>
            Requests go through this app's server at <code>{serverRoutes.proxy}</code>, which adds the API
            key.
          </>
        ) : (
          <>
            The page gets a short-lived client token (<code>ek_…</code>) from{" "}
            <code>{serverRoutes.token}</code> and calls the API at <code>{apiBaseUrl}</code> directly.
          </>
        )}
      </p>
    </>
  );
}

export function App({ keys, apiBaseUrl }: { keys: KeyMode; apiBaseUrl?: string | undefined }) {
  const [modeName, setModeName] = useState(modes[0]!.model.name);
  const mode = modes.find((candidate) => candidate.model.name === modeName) ?? modes[0]!;
  const [form, setForm] = useState(initialForm);
  const [gallery, setGallery] = useState<GalleryItem[]>([]);
  const { process, cancel, status, data, url, error, progress, jobId } = useProcess();
  const submitted = useRef({ model: "", prompt: "" });
  const nextId = useRef(1);

  const update = <Key extends keyof FormState>(key: Key, value: FormState[Key]) =>
    setForm((current) => ({ ...current, [key]: value }));

  const chooseMode = (name: string) => {
    setModeName(name);
    const next = modes.find((candidate) => candidate.model.name === name);
    if (next && !next.resolutions.includes(form.resolution))
      update("resolution", next.resolutions[0] ?? "720p");
  };

  // Every finished result goes to the gallery once.
  useEffect(() => {
    if (!data) return;
    const { model, prompt } = submitted.current;
    setGallery((items) => [{ id: nextId.current++, model, prompt, blob: data }, ...items]);
  }, [data]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    submitted.current = { model: mode.model.name, prompt: mode.prompt ? form.prompt : form.trajectory };
    void process(buildInput(mode, form));
  };

  const fileCount = useMemo(
    () => mode.files.filter(({ field }) => form.files[field]).length,
    [mode, form.files],
  );
  const isVideo = data?.type.startsWith("video/");

  return (
    <main>
      <header>
        <h1>Decart SDK example</h1>
        <KeyModeSwitch keys={keys} apiBaseUrl={apiBaseUrl} />
      </header>

      <form onSubmit={submit} className="panel" aria-label="Generate">
        <label>
          <span>Model</span>
          <select name="model" value={mode.model.name} onChange={(event) => chooseMode(event.target.value)}>
            {modes.map((candidate) => (
              <option key={candidate.model.name} value={candidate.model.name}>
                {candidate.label} — {candidate.model.name}
              </option>
            ))}
          </select>
        </label>

        {mode.prompt && (
          <label>
            <span>Prompt</span>
            <textarea
              name="prompt"
              rows={3}
              value={form.prompt}
              onChange={(event) => update("prompt", event.target.value)}
            />
          </label>
        )}

        <div className="row">
          <label>
            <span>Seed</span>
            <input
              name="seed"
              inputMode="numeric"
              placeholder="random"
              value={form.seed}
              onChange={(event) => update("seed", event.target.value)}
            />
          </label>
          <label>
            <span>Resolution</span>
            <select
              name="resolution"
              value={form.resolution}
              onChange={(event) => update("resolution", event.target.value)}
            >
              {mode.resolutions.map((resolution) => (
                <option key={resolution}>{resolution}</option>
              ))}
            </select>
          </label>
          {mode.orientation && (
            <label>
              <span>Orientation</span>
              <select
                name="orientation"
                value={form.orientation}
                onChange={(event) => update("orientation", event.target.value as FormState["orientation"])}
              >
                <option>landscape</option>
                <option>portrait</option>
              </select>
            </label>
          )}
          {mode.inferenceSteps && (
            <label>
              <span>Steps</span>
              <input
                name="num_inference_steps"
                inputMode="numeric"
                placeholder="default"
                value={form.inferenceSteps}
                onChange={(event) => update("inferenceSteps", event.target.value)}
              />
            </label>
          )}
          {mode.trajectory && (
            <label>
              <span>Motion path</span>
              <select
                name="trajectory"
                value={form.trajectory}
                onChange={(event) => update("trajectory", event.target.value)}
              >
                {Object.keys(trajectories).map((name) => (
                  <option key={name}>{name}</option>
                ))}
              </select>
            </label>
          )}
        </div>

        {mode.enhancePrompt && (
          <label className="check">
            <input
              type="checkbox"
              name="enhance_prompt"
              checked={form.enhancePrompt}
              onChange={(event) => update("enhancePrompt", event.target.checked)}
            />
            <span>Enhance prompt</span>
          </label>
        )}

        {mode.files.length > 0 && (
          <div className="files">
            {mode.files.map(({ field, label, accept }) => (
              <FileField
                key={`${mode.model.name}-${field}`}
                field={field}
                label={label}
                accept={accept}
                file={form.files[field]}
                onChange={(file) => update("files", { ...form.files, [field]: file })}
              />
            ))}
          </div>
        )}

        <div className="actions">
          <button type="submit" data-testid="generate">
            {status === "pending" ? "Restart" : "Generate"}
          </button>
          <button type="button" data-testid="cancel" onClick={cancel} disabled={status !== "pending"}>
            Cancel
          </button>
          {mode.files.length > 0 && (
            <small>
              {fileCount}/{mode.files.length} files chosen
            </small>
          )}
        </div>
      </form>

      <section className="panel result" aria-label="Result" data-testid="result" data-status={status}>
        <div className="status">
          <span className={`badge ${status}`} data-testid="status">
            {status}
          </span>
          {status === "pending" && (
            <>
              <progress data-testid="progress" max={1} value={progress?.progress ?? undefined} />
              <span>
                {progress?.status ?? "starting"} {percent(progress?.progress)}
              </span>
            </>
          )}
          {jobId && <small data-testid="job-id">job {jobId}</small>}
        </div>
        {error && <ErrorMessage error={error} />}
        {url && data && (
          <figure>
            {isVideo ? (
              <video data-testid="result-video" src={url} controls autoPlay muted loop playsInline />
            ) : (
              <img data-testid="result-image" src={url} alt="Result" />
            )}
            <figcaption>
              <a
                data-testid="download"
                href={url}
                download={fileName({ id: nextId.current - 1, model: submitted.current.model, blob: data })}
              >
                Download
              </a>{" "}
              {data.type}, {(data.size / 1024).toFixed(0)} KiB
            </figcaption>
          </figure>
        )}
      </section>

      <Gallery items={gallery} />
    </main>
  );
}

/**
 * Property-based tests of input validation for every model in the registry. Inputs are generated from
 * each model's JSON Schema (`inputJsonSchema`): valid ones must be accepted and arrive on a loopback
 * server exactly as the form codec encodes them (every part compared byte for byte); invalid ones must
 * be refused with an `InvalidInputError` naming each bad field, before any request; and anything at all
 * in a field must end in a result or an SDK error, never another exception.
 *
 * Seeded: the seed is printed, and `FC_SEED=<n>` replays a run.
 */
import { createDecartClient, DecartSDKError, InvalidInputError, type ModelDefinition } from "@decart/core";
import { encodeFormValue } from "@decart/core/protocol";
import { startTestServer, type TestServer } from "@decart/test-server";
import { readRawParts } from "@decart/test-server/multipart";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { inputJsonSchema } from "./json-schema";
import type { JsonSchema } from "./json-schema-document";
import { models } from "./models";

const seed = Number(process.env.FC_SEED ?? 20_261_201);
console.log(`fast-check seed ${seed} (replay with FC_SEED=${seed})`);

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const MP4 = new Uint8Array([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0]);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** A file input to be built fresh for each run (a stream is read once). */
class FileSpec {
  constructor(
    readonly form: "blob" | "bytes" | "buffer" | "stream",
    readonly bytes: Uint8Array,
  ) {}
  build(): unknown {
    const copy = this.bytes.slice();
    if (this.form === "blob") return new Blob([copy]);
    if (this.form === "bytes") return copy;
    if (this.form === "buffer") return copy.buffer;
    return new ReadableStream({
      start(controller) {
        controller.enqueue(copy.subarray(0, copy.length >> 1));
        controller.enqueue(copy.subarray(copy.length >> 1));
        controller.close();
      },
    });
  }
}

const build = (inputs: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(inputs).map(([key, value]) => [key, value instanceof FileSpec ? value.build() : value]),
  );

/** Characters that stress a form: line breaks of every kind, tabs, quotes, non-ASCII, astral. */
const character = fc.oneof(
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }),
  fc.constantFrom("\n", "\r\n", "\r", "\t", '"', "é", "✓", "日", "🎬", "\u2028", "\u00a0", "--"),
);

/** A string whose UTF-16 length (what the schema counts) is within the bounds, near either end at times. */
function text(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const target = fc.oneof(
    fc.integer({ min: minLength, max: Math.min(maxLength, minLength + 40) }),
    fc.integer({ min: Math.max(minLength, maxLength - 3), max: maxLength }),
  );
  return fc.tuple(fc.array(character, { maxLength: 40 }), target).map(([pieces, length]) => {
    let value = pieces.join("");
    while (value.length < length) value += length - value.length >= 2 ? "\n" : "a";
    value = value.slice(0, length);
    // Never leave half a surrogate pair at the cut.
    const last = value.charCodeAt(value.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) value = `${value.slice(0, -1)}a`;
    return value;
  });
}

const file = fc
  .tuple(
    fc.constantFrom("blob", "bytes", "buffer", "stream" as const),
    fc.uint8Array({ minLength: 1, maxLength: 64 }),
  )
  .map(([form, bytes]) => new FileSpec(form, bytes));

/** A valid value for one property of a model's JSON Schema. */
function valid(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.format === "binary") return file;
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const minimum = typeof schema.minimum === "number" ? schema.minimum : undefined;
  const maximum = typeof schema.maximum === "number" ? schema.maximum : undefined;
  switch (schema.type) {
    case "string":
      return text(Number(schema.minLength ?? 0), Number(schema.maxLength ?? 1_200));
    case "integer":
      return fc.integer({ min: minimum ?? -(2 ** 31), max: maximum ?? 2 ** 31 });
    case "number":
      return fc.oneof(
        fc.integer({ min: minimum ?? -(2 ** 31), max: maximum ?? 2 ** 31 }),
        fc.double({ min: minimum ?? -1e9, max: maximum ?? 1e9, noNaN: true, noDefaultInfinity: true }),
      );
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(valid(schema.items as JsonSchema), {
        minLength: Number(schema.minItems ?? 0),
        maxLength: Math.min(Number(schema.maxItems ?? 8), Number(schema.minItems ?? 0) + 8),
      });
    case "object":
      return record(schema, []);
    default:
      throw new Error(`No generator for ${JSON.stringify(schema)}`);
  }
}

/** Valid objects for an object schema, leaving out the properties `excluded` forbids. */
function record(schema: JsonSchema, excluded: string[], extraRequired: string[] = []) {
  const properties = Object.fromEntries(
    Object.entries(schema.properties as Record<string, JsonSchema>)
      .filter(([key]) => !excluded.includes(key))
      .map(([key, property]) => [key, valid(property)]),
  );
  const requiredKeys = [...((schema.required as string[] | undefined) ?? []), ...extraRequired];
  return fc.record(properties, { requiredKeys: requiredKeys.filter((key) => key in properties) });
}

/** Valid inputs for a model: one branch of a `oneOf` at a time. */
function validInputs(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const branches = (schema.oneOf as JsonSchema[] | undefined) ?? [{}];
  return fc.constantFrom(...branches).chain((branch) => {
    const forbidden = Object.entries((branch.properties as Record<string, unknown> | undefined) ?? {})
      .filter(([, value]) => value === false)
      .map(([key]) => key);
    return record(schema, forbidden, (branch.required as string[] | undefined) ?? []);
  });
}

/** A value the property's schema refuses. */
function invalid(schema: JsonSchema): fc.Arbitrary<unknown> {
  const wrongType = fc.constantFrom<unknown>({}, [], true, 12.5, "not-a-valid-value");
  if (schema.format === "binary") return fc.constantFrom<unknown>(42, {}, true, "not a url", "ftp://host/x");
  if (Array.isArray(schema.enum)) return fc.constantFrom<unknown>("999p", 5, false, {});
  switch (schema.type) {
    case "string": {
      const bad: unknown[] = [5, {}, true];
      if (typeof schema.maxLength === "number") bad.push("x".repeat(schema.maxLength + 1));
      if (Number(schema.minLength ?? 0) > 0) bad.push("");
      return fc.constantFrom(...bad);
    }
    case "integer":
      return fc.constantFrom<unknown>(
        1.5,
        "abc",
        Number.NaN,
        Number.POSITIVE_INFINITY,
        ...(typeof schema.minimum === "number" ? [schema.minimum - 1] : []),
        ...(typeof schema.maximum === "number" ? [schema.maximum + 1] : []),
      );
    case "number":
      return fc.constantFrom<unknown>(
        "abc",
        Number.NaN,
        Number.POSITIVE_INFINITY,
        {},
        ...(typeof schema.minimum === "number" ? [schema.minimum - 0.5] : []),
      );
    case "boolean":
      return fc.constantFrom<unknown>("maybe", 2, {});
    case "array": {
      const bad: unknown[] = ["x", 5, [{}, {}]];
      if (Number(schema.minItems ?? 0) > 0) bad.push([]);
      return fc.constantFrom(...bad);
    }
    default:
      return wrongType;
  }
}

/** What the server got, part by part. */
function receivedParts(request: { body: Uint8Array; headers: Record<string, unknown> }) {
  const parts = readRawParts(request.body, String(request.headers["content-type"]));
  return new Map(parts.map((part) => [part.name, Buffer.from(part.bytes)]));
}

const client = () =>
  createDecartClient({
    apiKey: "k",
    baseUrl: server.url,
    retry: 0,
    polling: { initialDelay: 0, interval: 1, maxInterval: 1 },
  });

function routeModel(model: ModelDefinition) {
  server.route(`POST ${model.endpoints.generate}`, { body: PNG, type: "image/png" });
  server.route(`POST ${model.endpoints.jobs}`, { body: { job_id: "prop-job", status: "completed" } });
  server.route("GET /v1/jobs/prop-job/content", { body: MP4, type: "video/mp4" });
}

const everyModel = models.list() as ModelDefinition[];
const runs = { valid: 60, invalid: 60, anything: 30 };
let casesRun = 0;

describe.each(everyModel.map((model) => [model.name, model] as const))("%s", (_name, model) => {
  const schema = inputJsonSchema(model);
  const properties = schema.properties as Record<string, JsonSchema>;

  test("valid inputs are accepted and sent exactly, part by part", async () => {
    routeModel(model);
    await fc.assert(
      fc.asyncProperty(validInputs(schema), async (inputs) => {
        casesRun++;
        server.requests.length = 0;
        await client().process({ model, ...build(inputs) } as never);
        const sent = server.requests.find((request) => request.method === "POST");
        if (!sent) throw new Error("no request was made");
        const parts = receivedParts(sent);
        const expected = Object.entries(inputs).filter(([, value]) => value !== undefined);
        expect([...parts.keys()].sort()).toEqual(expected.map(([key]) => key).sort());
        for (const [key, value] of expected) {
          const bytes =
            value instanceof FileSpec ? Buffer.from(value.bytes) : Buffer.from(encodeFormValue(value) ?? "");
          if (!parts.get(key)?.equals(bytes))
            throw new Error(`${key} arrived as ${JSON.stringify(parts.get(key)?.toString())}`);
        }
      }),
      { seed, numRuns: runs.valid },
    );
  });

  test("invalid inputs are refused with an InvalidInputError naming each bad field, before any request", async () => {
    routeModel(model);
    const keys = Object.keys(properties);
    const mutation = fc.oneof(
      fc
        .constantFrom(...keys)
        .chain((key) => invalid(properties[key] ?? {}).map((value) => ({ key, value }))),
      fc.constantFrom("zz_unknown", "promptt", "constructor").map((key) => ({ key, value: 1 })),
    );
    await fc.assert(
      fc.asyncProperty(
        validInputs(schema),
        fc.uniqueArray(mutation, { minLength: 1, maxLength: 3, selector: (m) => m.key }),
        async (inputs, mutations) => {
          casesRun++;
          server.requests.length = 0;
          const broken = build(inputs);
          for (const { key, value } of mutations) broken[key] = value;
          const error = await client()
            .process({ model, ...broken } as never)
            .then(
              () => undefined,
              (caught: unknown) => caught,
            );
          expect(error).toBeInstanceOf(InvalidInputError);
          const issues = (error as InvalidInputError).issues;
          for (const { key } of mutations) {
            const named = issues.some(
              (issue) =>
                issue.field === key || issue.field.startsWith(`${key}.`) || issue.message.includes(key),
            );
            if (!named) throw new Error(`${key} is not named in: ${(error as Error).message}`);
          }
          expect(server.requests).toHaveLength(0);
        },
      ),
      { seed, numRuns: runs.invalid },
    );
  });

  test("anything in a field ends in a result or an SDK error", async () => {
    routeModel(model);
    await fc.assert(
      fc.asyncProperty(
        validInputs(schema),
        fc.constantFrom(...Object.keys(properties)),
        fc.anything(),
        async (inputs, key, value) => {
          casesRun++;
          const broken = { ...build(inputs), [key]: value };
          const outcome = await client()
            .process({ model, ...broken } as never)
            .then(
              () => undefined,
              (caught: unknown) => caught,
            );
          if (outcome !== undefined && !(outcome instanceof DecartSDKError)) {
            throw new Error(`not an SDK error: ${String(outcome)}`);
          }
        },
      ),
      { seed, numRuns: runs.anything },
    );
  });
});

afterAll(() => {
  console.log(`fast-check: ${casesRun} cases over ${everyModel.length} models (seed ${seed})`);
});

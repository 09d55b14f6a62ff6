// @vitest-environment node
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";

let generatorHook: typeof import("./index").useProcess;

function Generator() {
  const { status, url, data, error, progress, jobId } = generatorHook();
  return <p>{[status, url, data, error, progress, jobId].map(String).join("|")}</p>;
}

describe("server rendering", () => {
  it("imports and renders without window or document", async () => {
    expect(typeof window).toBe("undefined");
    expect(typeof document).toBe("undefined");
    const { DecartProvider, useProcess } = await import("./index");
    generatorHook = useProcess;
    const html = renderToString(
      <DecartProvider options={{ proxy: "/api/decart" }}>
        <Generator />
      </DecartProvider>,
    );
    expect(html).toBe("<p>idle|undefined|undefined|undefined|undefined|undefined</p>");
  });
});

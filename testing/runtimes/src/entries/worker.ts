// The matrix in workerd: `POST /run` with `{ call, options }` answers the call's report as JSON.
import { type CallName, runCall, type ScenarioOptions } from "../scenario";

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method !== "POST" || new URL(request.url).pathname !== "/run") {
      return new Response("not found", { status: 404 });
    }
    const { call, options } = (await request.json()) as { call: CallName; options: ScenarioOptions };
    return Response.json(await runCall(call, options));
  },
};

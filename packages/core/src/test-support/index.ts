// Shared test helpers, for tests only (no shipped file imports them, and they are not published): a
// loopback test server and a client of it, the test models and media, a fake job queue, the client
// tokens and files routes, a page to pretend to be, and a bundled core run in child Node processes. May
// import any room.
export { type ChildRun, type ChildScript, runChild, useChildScript } from "./child";
export { fastOptions, fileField, type TestClient, useTestClient } from "./client";
export { type FakeJob, type FakeQueueControls, startJobServer } from "./job-server";
export { JPEG, MP4, PNG, testImageModel, testVideoModel } from "./models";
export { actLikeAPage } from "./page";
export { type FakeFile, type FakeResources, routeResources } from "./resources";
export { useTestServer } from "./server";

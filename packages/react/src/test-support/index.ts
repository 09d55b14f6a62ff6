// The React tests' shared helpers: an emulator and a client for each test file, a real token route in
// front of an emulator, and the chromium page of the token tests (bundled from the sources).

export * from "./chromium-page";
export * from "./test-emulator";
export * from "./token-route";

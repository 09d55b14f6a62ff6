// The React tests' shared helpers: an emulator and a client for each test file.
export * from "./test-emulator";

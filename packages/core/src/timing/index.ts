// Time and cancellation: timers that last for any delay, the monotonic clock, an abortable sleep, and the
// call scope that links a caller's signal and a deadline into one signal. Imports only errors/.
export { abortError, type CallScope, openScope, sleep } from "./abort";
export { maxTimerDelay, now, startTimer, type Timer } from "./timer";

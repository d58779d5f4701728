/**
 * The real clock, with every reading kept: a test checks that a sample's time
 * and latency are made of the probe's own readings instead of bounding how long
 * the test took (wall-clock bounds fail on a busy machine and prove little).
 */
export function recordingClock(): { readings: number[]; now: () => number } {
  const readings: number[] = [];
  return {
    readings,
    now: () => {
      const reading = Date.now();
      readings.push(reading);
      return reading;
    },
  };
}

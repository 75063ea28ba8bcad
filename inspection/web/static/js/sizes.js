// Sizes as people read them, as the service names its limits (inspection/sizes.py):
// binary multiples with the units people know from their phones, one decimal at most,
// rounded down so that a limit is never named larger than it is.

const UNITS = [["MB", 1024 * 1024], ["kB", 1024]];

export function readableSize(bytes, lang = "nl") {
  for (const [unit, size] of UNITS) {
    if (bytes >= size) {
      const tenths = Math.floor((bytes * 10) / size);
      const whole = Math.floor(tenths / 10);
      const tenth = tenths % 10;
      const point = lang === "nl" ? "," : ".";
      return tenth === 0 ? `${whole} ${unit}` : `${whole}${point}${tenth} ${unit}`;
    }
  }
  return bytes === 1 ? "1 byte" : `${bytes} bytes`;
}

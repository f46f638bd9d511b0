/** The backdoor trigger: a 4×4 white square in the bottom-right corner of a 28×28 image. */
export const TRIGGER_SIZE = 4

/** Stamps the trigger onto raw 0–255 pixels in place. */
export function stampTrigger(pixels: Uint8Array, rows = 28, cols = 28): void {
  for (let r = rows - 1 - TRIGGER_SIZE; r < rows - 1; r++) {
    for (let c = cols - 1 - TRIGGER_SIZE; c < cols - 1; c++) pixels[r * cols + c] = 255
  }
}

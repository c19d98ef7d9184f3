export type { TiffPage, TiffPixels } from "./tiff-encoder.js";
export { encodeTiff } from "./tiff-encoder.js";
export type { TiffWriterOptions } from "./tiff-writer.js";
export { TiffWriter } from "./tiff-writer.js";

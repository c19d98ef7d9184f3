export type { DocumentSink } from "./document-sink.js";

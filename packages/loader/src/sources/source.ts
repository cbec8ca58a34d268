/** One CAR a source offers. */
export interface CarRef {
  /** File name, e.g. `solidfire-2.1.0.car`. */
  readonly name: string;
  /** Where to download it from (absolute URL). */
  readonly url: string;
  readonly size?: number;
  /** Hex SHA-256 when the source publishes it; downloads are checked against it. */
  readonly sha256?: string;
}

/** Options of one download. */
export interface DownloadOptions {
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Where CARs come from: a directory, an HTTP server, an S3 bucket. */
export interface CarSource {
  /** The `.car` objects the source offers now, sorted by name. */
  list(): Promise<CarRef[]>;
  /**
   * Downloads `ref` to `destFile` (through a temporary file renamed into place): a partial
   * download is never left where it could be used.
   */
  download(ref: CarRef, destFile: string, opts?: DownloadOptions): Promise<void>;
}

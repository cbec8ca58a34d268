/**
 * Public API of `@chassis/car`: the CAR (Chassis ARchive) format. A safe reader that checks an
 * archive before anything touches disk, a reproducible writer, the driver.yaml schema, the
 * JAR-style MANIFEST.MF, and the pack/inspect/verify/init tooling behind `chassis car`.
 */
export type { CarArchive, CarEntryInfo } from './archive.js';
export { bundleDependencies } from './bundle.js';
export {
  type DescriptorViolation,
  DRIVER_SCHEMA_URL,
  driverSchema,
  parseDescriptor,
  validateDescriptor,
} from './descriptor.js';
export { formatInspection, renderTable } from './format.js';
export { DEFAULT_POINTS, type InitOptions, initDriverProject } from './init.js';
export {
  type CarInspection,
  type InspectedProperty,
  inspectCar,
  type SignatureStatus,
} from './inspect.js';
export {
  assertLayout,
  assertSafePath,
  CERTIFICATE_PATH,
  DESCRIPTOR_PATH,
  LICENSE_PATH,
  MANIFEST_PATH,
  MESSAGES_DIR,
  SIGNATURE_PATH,
  UNLISTED_PATHS,
} from './layout.js';
export {
  type CarHead,
  type CarLimits,
  DEFAULT_CAR_LIMITS,
  RATIO_EXEMPT_BYTES,
  type ReadCarOptions,
  resolveLimits,
} from './limits.js';
export {
  comparePaths,
  createManifest,
  MANIFEST_HEADERS,
  type Manifest,
  manifestFor,
  parseManifest,
  serializeManifest,
} from './manifest.js';
export {
  assertMessagesComplete,
  type MessageCatalog,
  messageLocale,
  missingMessageKeys,
  parseMessages,
} from './messages.js';
export {
  assertNameLength,
  assertNoCollisions,
  foldKey,
  MAX_ENTRY_PATH_BYTES,
  MAX_NAME_COMPONENT_BYTES,
} from './names.js';
export { collectProject, type PackOptions, type PackResult, packCar } from './pack.js';
export { extractCar, readCar, readCarEntries, verifyCar } from './read.js';
export { carEntryOrder, writeCar } from './writer.js';

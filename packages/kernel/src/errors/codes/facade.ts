import { defineCodes } from './spec.js';

/** Codes owned by the facades and the extension data model (property bags). */
export const facadeCodes = defineCodes({
  CHASSIS_E_PROPS_INVALID: { status: 422, summary: 'A property bag does not match its descriptor' },
  CHASSIS_E_PROPS_DESCRIPTOR_INVALID: {
    status: 422,
    summary: 'A property descriptor is malformed',
  },
  CHASSIS_E_FACADE_NO_DRIVER: {
    status: 503,
    summary: 'No running driver instance is bound to the resource',
  },
  CHASSIS_E_FACADE_WRONG_CATEGORY: {
    status: 400,
    summary: 'The resource belongs to another category',
  },
  CHASSIS_E_FACADE_NOT_CONFIGURED: {
    status: 409,
    summary: 'The driver has no configuration for this resource',
  },
  CHASSIS_E_FACADE_OPERATION_FAILED: {
    status: 502,
    summary: 'The driver failed the operation (its own error is kept as the cause)',
    // Kept registered (a code never changes meaning), but the router no longer re-wraps.
    deprecated:
      'No longer raised: the handle wraps a driver error once as CHASSIS_E_DRIVER_OPERATION_FAILED',
  },
  CHASSIS_E_FACADE_INVALID_ARGUMENT: {
    status: 400,
    summary: 'A facade call was made with an invalid argument',
  },
  CHASSIS_E_CRYPTO_KEY: { status: 500, summary: 'The secret-encryption key is missing or invalid' },
  CHASSIS_E_CRYPTO_DECRYPT: { status: 500, summary: 'An encrypted secret could not be decrypted' },
});

/**
 * The shapes of the admin API's JSON (what `chassis … --json` prints), as far as the black-box
 * tests read them. Deliberately written out here rather than imported: the tests check the
 * wire format an operator's script sees, not the server's TypeScript types.
 */

/** A field of a rendered configuration form. */
export interface FormFieldView {
  readonly key: string;
  readonly label: string;
  readonly type: string;
  readonly required: boolean;
  readonly masked: boolean;
  readonly default?: unknown;
}

/** One installed version of a driver. */
export interface VersionView {
  readonly version: string;
  readonly state: string;
  readonly active: boolean;
  readonly tier: string;
  readonly resources: readonly string[];
  readonly form?: readonly FormFieldView[];
}

/** A resource, its bound version and its masked configuration. */
export interface ResourceView {
  readonly resource: { readonly id: string; readonly kind: string; readonly driverId: string };
  readonly binding: { readonly driverId: string; readonly version: string };
  readonly configuration: Record<string, unknown>;
  readonly state: string;
}

/** A row of `GET /api/drivers` (and, with `resources`, the detail). */
export interface DriverView {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  readonly activeVersion?: string;
  readonly state?: string;
  readonly tier?: string;
  readonly locale?: string;
  readonly versions: readonly VersionView[];
  readonly resources?: readonly ResourceView[];
}

/** An install/upgrade/rollback/uninstall record. */
export interface RecordView {
  readonly action: string;
  readonly driverId: string;
  readonly from?: string;
  readonly to?: string;
  readonly result: string;
  readonly policy?: { readonly kind: string; readonly canaries?: number };
  readonly resources: readonly {
    readonly id: string;
    readonly from: string;
    readonly to: string;
  }[];
  readonly error?: { readonly code: string };
}

/** The body of every admin API error. */
export interface ErrorView {
  readonly code: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

/** One line of `chassis events --json`. */
export interface EventLine {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

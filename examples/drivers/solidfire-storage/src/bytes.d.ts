// `bytes` ships no type declarations; this covers the two calls the driver makes.
declare module 'bytes' {
  interface FormatOptions {
    decimalPlaces?: number;
    unitSeparator?: string;
  }
  function bytes(value: number, options?: FormatOptions): string | null;
  function bytes(value: string): number | null;
  namespace bytes {
    function format(value: number, options?: FormatOptions): string | null;
    function parse(value: string | number): number | null;
  }
  export = bytes;
}

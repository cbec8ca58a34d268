/** Public API of @chassis/hypervisor. */
export {};

/** The shape every translation of a namespace must have: the same keys as the English one. */
export type Messages<T> = { readonly [K in keyof T]: T[K] extends string ? string : Messages<T[K]> };

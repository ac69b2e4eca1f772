/**
 * Registers `ctor` as `tag` unless the tag is taken: loading the package twice (a CDN script and
 * a bundle, say) must not throw "already defined".
 */
export function defineElement(tag: string, ctor: CustomElementConstructor, registry: CustomElementRegistry): void {
  if (!registry.get(tag)) registry.define(tag, ctor);
}

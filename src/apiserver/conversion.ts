// Moves custom resources between served versions. Kinds without a conversion function (strategy None)
// only get their apiVersion rewritten, as kube-apiserver does.
import type { KObject, ResourceDef } from "./resources/types";
import { apiVersionOf } from "./resources/types";

export type Converter = (obj: KObject, toApiVersion: string) => KObject;

const rewriteApiVersion: Converter = (obj, toApiVersion) => ({ ...obj, apiVersion: toApiVersion });

/** Converters by API group; groups not listed use strategy None. */
export class Conversions {
  constructor(private readonly byGroup: ReadonlyMap<string, Converter> = new Map()) {}

  convert(def: ResourceDef, obj: KObject, version: string): KObject {
    const target = apiVersionOf(def.group, version);
    if (obj.apiVersion === target) return obj;
    return (this.byGroup.get(def.group) ?? rewriteApiVersion)(obj, target);
  }
}

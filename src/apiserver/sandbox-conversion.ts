// Conversion for the four Agent Sandbox kinds, served in v1alpha1 and v1beta1 from one stored version.
import { Either } from "effect";
import { convertObject } from "../api";
import type { Converter } from "./conversion";
import { metaOf } from "./meta";
import { invalid } from "./status";

const convert: Converter = (obj, toApiVersion) => {
  const result = convertObject(obj, toApiVersion);
  if (Either.isRight(result)) return result.right;
  const [group = ""] = toApiVersion.split("/");
  throw invalid(group, String(obj.kind), String(metaOf(obj).name ?? ""), [
    {
      reason: "FieldValueInvalid",
      message: `Invalid value: conversion to ${toApiVersion} failed: ${result.left.message}`,
      field: result.left.path,
    },
  ]);
};

export const SANDBOX_CONVERTERS: ReadonlyMap<string, Converter> = new Map([
  ["agents.x-k8s.io", convert],
  ["extensions.agents.x-k8s.io", convert],
]);

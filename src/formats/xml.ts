import { XMLParser } from 'fast-xml-parser';

// XML read by local names, shared by the UBL and camt readers: fast-xml-parser with namespace
// prefixes removed, every element an array (any element may repeat), attributes as `@_name`, text
// as `#text`; lookups follow paths of local names, so prefixes and default namespaces do not matter.

export { XMLValidator } from 'fast-xml-parser';

/** An element as fast-xml-parser returns it: child elements (always arrays), `@_attr`, `#text`. */
export type XmlNode = { readonly [key: string]: unknown };

export const TEXT = '#text';
export const ATTR = '@_';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: TEXT,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  alwaysCreateTextNode: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Every element may repeat somewhere; treating all of them as arrays keeps lookups uniform.
  isArray: (_name: string, _jpath: unknown, _isLeafNode: boolean, isAttribute: boolean) => !isAttribute,
});

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  if (node === undefined) return [];
  const value = node[name];
  const items: readonly unknown[] = Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  return items.map((item) => (isNode(item) ? item : { [TEXT]: typeof item === 'string' ? item : '' }));
}

export function all(node: XmlNode | undefined, ...path: string[]): XmlNode[] {
  let current: XmlNode[] = node === undefined ? [] : [node];
  for (const name of path) current = current.flatMap((n) => children(n, name));
  return current;
}

export function first(node: XmlNode | undefined, ...path: string[]): XmlNode | undefined {
  return all(node, ...path)[0];
}

/** Text of an element with whitespace folded; null when absent or empty. */
export function textOf(node: XmlNode | undefined): string | null {
  if (node === undefined) return null;
  const value = node[TEXT];
  const text = typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '';
  return text === '' ? null : text;
}

export function firstText(node: XmlNode | undefined, ...path: string[]): string | null {
  for (const el of all(node, ...path)) {
    const text = textOf(el);
    if (text !== null) return text;
  }
  return null;
}

/** The first path (each a list of local names) that yields text. */
export function textAt(node: XmlNode | undefined, ...paths: string[][]): string | null {
  for (const path of paths) {
    const text = firstText(node, ...path);
    if (text !== null) return text;
  }
  return null;
}

export function allTexts(node: XmlNode | undefined, ...path: string[]): string[] {
  return all(node, ...path)
    .map(textOf)
    .filter((t): t is string => t !== null);
}

export function attr(node: XmlNode | undefined, name: string): string | null {
  const value = node?.[ATTR + name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Parses an XML document (validate it first with `XMLValidator.validate`). */
export function parseXmlDocument(text: string): unknown {
  return parser.parse(text) as unknown;
}

/**
 * Generates src/models/generated/object-types.ts from the installed `stripe` package, so the object type table
 * follows the SDK instead of being maintained by hand.
 *
 * Run: `node --import tsx scripts/generate-object-types.ts` (writes the file) or `--check` (exits 1 when stale).
 *
 * Why the TypeScript 5.9 compiler API (installed as `typescript-compiler-api`): the project compiles with
 * TypeScript 7, which is native and has no JavaScript compiler API. Finding expandable fields means resolving
 * types across files (`customer: string | Stripe.Customer | Stripe.DeletedCustomer | null`, nested structures,
 * arrays, type aliases such as `ExternalAccount = BankAccount | Card`); a type checker does that exactly where
 * regexes over .d.ts text would guess. Request paths come from the SDK's compiled resources (`*.js`), which are
 * regular enough (`_makeRequest('GET', `/v1/customers/${…}`)`) for a regex.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript-compiler-api';

const OUTPUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'models', 'generated', 'object-types.ts');
const MAX_NESTING = 4;

interface ObjectTypeEntry {
  objectType: string;
  tsName: string;
  modelName: string;
  expandable: string[];
  paths: Partial<Record<PathKind, Candidate>>;
}
type PathKind = 'retrievePath' | 'listPath' | 'updatePath' | 'deletePath';
interface Candidate {
  path: string;
  exactName: boolean;
  unionSize: number;
}

/** The generated module's source text for the `stripe` package installed beside this project. */
export function generateObjectTypes(): string {
  const resourcesDir = join(dirname(createRequire(import.meta.url).resolve('stripe')), 'resources');
  const declarationFiles = listFiles(resourcesDir, '.d.ts').filter((f) => !relative(resourcesDir, f).startsWith('V2'));
  const program = ts.createProgram(declarationFiles, { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const entries = new Map<string, ObjectTypeEntry>();
  const stripeName = (type: ts.Type): string | undefined => qualifiedName(type, resourcesDir);

  const register = (type: ts.Type): string[] =>
    sameObjectUnion(checker, type).flatMap((member) => {
      const shape = member.isUnion() ? (member.types[0] ?? member) : member;
      const objectType = shape.flags & ts.TypeFlags.Object ? literalOf(checker, shape, 'object') : undefined;
      const tsName = stripeName(member);
      if (!objectType || !tsName || objectType === 'list') return [];
      const existing = entries.get(objectType);
      if (!existing || (existing.tsName.includes('.Deleted') && !tsName.includes('.Deleted'))) {
        const modelName = tsName.replace(/^Stripe\./, '').replace(/\./g, '');
        const expandable = expandablePaths(checker, shape);
        entries.set(objectType, { objectType, tsName, modelName, expandable, paths: existing?.paths ?? {} });
      }
      return [objectType];
    });

  const eventsFile = program.getSourceFile(join(resourcesDir, 'Events.d.ts'));
  if (!eventsFile) throw new Error(`Events.d.ts not found in ${resourcesDir}`);
  const eventUnion = exportedType(checker, eventsFile, 'Event');
  const eventObjectTypes: [string, string[]][] = unionMembers(eventUnion).map((event) => {
    const eventType = literalOf(checker, event, 'type');
    const data = propertyType(checker, event, 'data');
    const object = data && propertyType(checker, data, 'object');
    if (!eventType || !object) throw new Error(`cannot read the event type or data.object of ${checker.typeToString(event)}`);
    return [eventType, register(object)];
  });

  for (const file of declarationFiles) {
    const source = program.getSourceFile(file);
    const jsFile = file.replace(/\.d\.ts$/, '.js');
    if (!source) continue;
    const requests = requestPaths(readFileSync(jsFile, 'utf8'));
    source.forEachChild((node) => {
      if (!ts.isClassDeclaration(node)) return;
      for (const member of node.members) {
        if (!ts.isMethodDeclaration(member) || !member.name || !ts.isIdentifier(member.name)) continue;
        const request = requests.get(member.name.text);
        const signature = checker.getSignatureFromDeclaration(member);
        if (!request || !signature) continue;
        const returned = unwrapResponse(checker, checker.getReturnTypeOfSignature(signature));
        if (!returned) continue;
        const kind = pathKind(member.name.text, request.method, returned.list);
        if (!kind) continue;
        const objectTypes = returned.list ? register(returned.type) : unionMembers(returned.type).flatMap((t) => objectLiteral(checker, t) ?? []);
        const exactName = ['retrieve', 'list', 'update', 'del'].includes(member.name.text);
        for (const objectType of objectTypes) {
          const entry = entries.get(objectType) ?? (returned.list ? undefined : register(returned.type) && entries.get(objectType));
          if (!entry) continue;
          const candidate = { path: request.path, exactName, unionSize: objectTypes.length };
          if (better(candidate, entry.paths[kind])) entry.paths[kind] = candidate;
        }
      }
    });
  }
  return render([...entries.values()], eventObjectTypes);
}

function listFiles(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name), suffix) : d.name.endsWith(suffix) ? [join(dir, d.name)] : []))
    .sort();
}

/** `Stripe.Checkout.Session` for the `Session` interface declared in resources/Checkout/Sessions.d.ts. */
function qualifiedName(type: ts.Type, resourcesDir: string): string | undefined {
  const symbol = type.aliasSymbol ?? type.getSymbol();
  const declaration = symbol?.declarations?.[0];
  if (!symbol || !declaration) return undefined;
  const file = declaration.getSourceFile().fileName;
  if (!file.startsWith(resourcesDir)) return undefined;
  const namespaces = dirname(relative(resourcesDir, file)).split(sep).filter((part) => part !== '.');
  return ['Stripe', ...namespaces, symbol.getName()].join('.');
}

/** A named union of one object type (`Event = CustomerCreatedEvent | …`, all `object: 'event'`) stays whole. */
function sameObjectUnion(checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
  const members = unionMembers(type);
  const objects = new Set(members.map((m) => literalOf(checker, m, 'object')));
  return type.aliasSymbol && members.length > 1 && objects.size === 1 && !objects.has(undefined) ? [type] : members;
}

function unionMembers(type: ts.Type): ts.Type[] {
  return type.isUnion() ? type.types : [type];
}

function exportedType(checker: ts.TypeChecker, file: ts.SourceFile, name: string): ts.Type {
  const moduleSymbol = checker.getSymbolAtLocation(file);
  const symbol = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.getName() === name);
  if (!symbol) throw new Error(`${file.fileName} does not export ${name}`);
  return checker.getDeclaredTypeOfSymbol(symbol);
}

function propertyType(checker: ts.TypeChecker, type: ts.Type, name: string): ts.Type | undefined {
  const property = checker.getPropertyOfType(type, name);
  const declaration = property?.valueDeclaration ?? property?.declarations?.[0];
  return property && declaration ? checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(property, declaration)) : undefined;
}

function literalOf(checker: ts.TypeChecker, type: ts.Type, name: string): string | undefined {
  const property = propertyType(checker, type, name);
  return property?.isStringLiteral() ? property.value : undefined;
}

/** The `object: 'customer'` literal that identifies a Stripe object type, if `type` is one. */
function objectLiteral(checker: ts.TypeChecker, type: ts.Type): string | undefined {
  if (!(type.flags & ts.TypeFlags.Object) || !checker.getPropertyOfType(type, 'id')) return undefined;
  return literalOf(checker, type, 'object');
}

function isList(checker: ts.TypeChecker, type: ts.Type): boolean {
  return literalOf(checker, type, 'object') === 'list' && checker.getPropertyOfType(type, 'data') !== undefined;
}

/**
 * Dotted paths of the fields that hold `string | Stripe.X` (an id, or the object when expanded), the same through
 * arrays and nested structures (`invoice_settings.default_payment_method`, `discounts`), plus the optional lists
 * Stripe includes only on request (`customer.subscriptions`). Lists Stripe always embeds (`subscription.items`,
 * `invoice.lines`) are not expandable: they stay in place.
 */
function expandablePaths(checker: ts.TypeChecker, type: ts.Type, prefix = '', depth = 0): string[] {
  const paths: string[] = [];
  for (const property of checker.getPropertiesOfType(type)) {
    const name = property.getName();
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (!declaration || (depth === 0 && (name === 'id' || name === 'object'))) continue;
    const path = prefix + name;
    let fieldType = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(property, declaration));
    if (checker.isArrayType(fieldType)) fieldType = checker.getNonNullableType(checker.getTypeArguments(fieldType as ts.TypeReference)[0] ?? fieldType);
    const members = unionMembers(fieldType);
    const hasId = members.some((m) => m.flags & ts.TypeFlags.String);
    const objects = members.filter((m) => m.flags & ts.TypeFlags.Object);
    if (hasId && objects.some((m) => objectLiteral(checker, m))) paths.push(path);
    else if (objects.length === 1 && members.length === 1 && isList(checker, fieldType)) {
      if (property.flags & ts.SymbolFlags.Optional) paths.push(path);
    }
    else if (objects.length > 0 && !hasId && depth < MAX_NESTING) {
      for (const object of objects) {
        if (objectLiteral(checker, object) || isList(checker, object) || object.getCallSignatures().length > 0) continue;
        if (object.getSymbol()?.declarations?.some((d) => ts.isClassDeclaration(d))) continue;
        paths.push(...expandablePaths(checker, object, `${path}.`, depth + 1));
      }
    }
  }
  return [...new Set(paths)].sort();
}

/** `Promise<Response<X>>` -> X, `ApiListPromise<X>` -> X (as a list). */
function unwrapResponse(checker: ts.TypeChecker, type: ts.Type): { type: ts.Type; list: boolean } | undefined {
  const name = type.aliasSymbol?.getName() ?? type.getSymbol()?.getName();
  const args = type.aliasTypeArguments ?? checker.getTypeArguments(type as ts.TypeReference);
  const inner = args[0];
  if (!inner) return undefined;
  if (name === 'ApiListPromise') return { type: inner, list: true };
  if (name !== 'Promise') return undefined;
  const innerArgs = inner.aliasTypeArguments ?? [];
  return inner.aliasSymbol?.getName() === 'Response' && innerArgs[0] ? { type: innerArgs[0], list: false } : undefined;
}

function pathKind(method: string, verb: string, list: boolean): PathKind | undefined {
  if (list) return verb === 'GET' && /^list/.test(method) ? 'listPath' : undefined;
  if (verb === 'GET' && /^retrieve/.test(method)) return 'retrievePath';
  if (verb === 'POST' && /^update/.test(method)) return 'updatePath';
  if (verb === 'DELETE' && /^(del$|delete)/.test(method)) return 'deletePath';
  return undefined;
}

function better(candidate: Candidate, current: Candidate | undefined): boolean {
  if (!current) return true;
  const key = (c: Candidate): [number, number, number, string] => [
    c.exactName ? 0 : 1,
    c.unionSize,
    (c.path.match(/\{/g) ?? []).length,
    c.path,
  ];
  const [a, b] = [key(candidate), key(current)];
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== b[i]) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return false;
}

/**
 * Method name -> first request it makes, with path parameters named after the fields that hold them:
 * `/v1/customers/${encodeURIComponent(customerId)}/tax_ids/${encodeURIComponent(id)}` -> `/v1/customers/{customer}/tax_ids/{id}`.
 */
function requestPaths(js: string): Map<string, { method: string; path: string }> {
  const requests = new Map<string, { method: string; path: string }>();
  const methodPattern = /^ {4}(\w+)\([^)]*\) \{\n([\s\S]*?)^ {4}\}/gm;
  for (const match of js.matchAll(methodPattern)) {
    const [, name, body] = match;
    const request = body && /_makeRequest\('(\w+)', [`']([^`']+)[`']/.exec(body);
    if (!name || !request?.[1] || !request[2]) continue;
    const path = request[2]
      .replace(/\$\{encodeURIComponent\((\w+)\)\}/g, (_, param: string) => `{${param.replace(/Id$/, '')}}`)
      .replace(/\/([a-z_]+)\/\{id\}(?=\/)/g, (_, parent: string) => `/${parent}/{${parent.replace(/s$/, '')}}`);
    requests.set(name, { method: request[1], path });
  }
  return requests;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function render(entries: ObjectTypeEntry[], events: [string, string[]][]): string {
  const sorted = [...entries].sort((a, b) => compare(a.objectType, b.objectType));
  const q = (s: string): string => `'${s}'`;
  const table = sorted.map((e) => {
    const fields = [`modelName: ${q(e.modelName)}`, `expandable: [${e.expandable.map(q).join(', ')}]`];
    for (const kind of ['retrievePath', 'listPath', 'updatePath', 'deletePath'] as const) {
      const candidate = e.paths[kind];
      if (candidate) fields.push(`${kind}: ${q(candidate.path)}`);
    }
    return `  ${q(e.objectType)}: {\n    ${fields.join(',\n    ')},\n  },`;
  });
  const eventLines = [...events]
    .sort(([a], [b]) => compare(a, b))
    .map(([type, objects]) => `  ${q(type)}: ${objects.length === 1 ? q(objects[0] ?? '') : `[${objects.map(q).join(', ')}]`},`);
  const typeMap = sorted.map((e) => `  ${q(e.objectType)}: ${e.tsName};`);
  return `// generated by scripts/generate-object-types.ts, do not edit
// Source: the installed \`stripe\` package (Events.d.ts, resources/*.d.ts, resources/*.js).
import type Stripe from 'stripe';

/** What the mirror knows about one Stripe object type. Paths use \`{id}\` and \`{field}\` placeholders. */
export interface ObjectTypeInfo {
  /** Model name without the \`Stripe\` prefix (\`CheckoutSession\` for \`checkout.session\`). */
  readonly modelName: string;
  /** Dotted paths of fields that hold an id or, when expanded, the object (arrays are traversed); embedded lists too. */
  readonly expandable: readonly string[];
  readonly retrievePath?: string;
  readonly listPath?: string;
  readonly updatePath?: string;
  readonly deletePath?: string;
}

const objectTypes = {
${table.join('\n')}
} as const satisfies Record<string, ObjectTypeInfo>;

/** The table with its literal types (model names, paths), for typing models per object type. */
export type ObjectTypeTable = typeof objectTypes;

/** Every object type the mirror has a model for: those of the \`Stripe.Event\` union and every listable type. */
export type StripeObjectType = keyof ObjectTypeTable;

/** Object type table keyed by Stripe's \`object\` value: \`OBJECT_TYPES['customer'].listPath === '/v1/customers'\`. */
export const OBJECT_TYPES: Readonly<Record<string, ObjectTypeInfo>> = objectTypes;

/** The keys of OBJECT_TYPES, typed. */
export const STRIPE_OBJECT_TYPES = Object.keys(objectTypes) as StripeObjectType[];

/**
 * Event type -> the object type of its \`data.object\` (an array for the few polymorphic events, such as
 * \`customer.source.created\`). Covers the whole \`Stripe.Event\` union.
 */
export const EVENT_OBJECT_TYPES = {
${eventLines.join('\n')}
} as const satisfies Record<Stripe.Event.Type, StripeObjectType | readonly StripeObjectType[]>;

/** Object type -> the \`stripe\` package's type for it. */
export interface StripeObjectTypeMap {
${typeMap.join('\n')}
}
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const source = generateObjectTypes();
  if (process.argv.includes('--check')) {
    const stale = readFileSync(OUTPUT, 'utf8') !== source;
    console.log(stale ? `${OUTPUT} is stale: run node --import tsx scripts/generate-object-types.ts` : 'up to date');
    process.exitCode = stale ? 1 : 0;
  } else {
    writeFileSync(OUTPUT, source);
    console.log(`wrote ${relative(process.cwd(), OUTPUT)}`);
  }
}

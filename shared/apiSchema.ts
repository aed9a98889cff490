/**
 * The argument schemas of the contract in `api.ts`: every call is checked here at the boundary
 * (IPC handler, browser-mode server) before the core sees it.
 */
import { z } from 'zod';
import type { Api, ApiArgs, ApiMethod } from './api';
import { isIsoDate } from './documents';
import { MAX_TITLE_LENGTH } from './limits';
import { PACKET_FORMS, PACKET_PURPOSES } from './packetKinds';
import { RECORD_CATEGORIES, RECORD_TYPES, type DesignatedRecordSetType } from './recordSet';

const isoDate = z.string().refine(isIsoDate, { message: 'must be a date in the form YYYY-MM-DD' });
const recordType = z.enum(RECORD_TYPES as [DesignatedRecordSetType, ...DesignatedRecordSetType[]]);
const secret = z.string().min(1).max(1024);
const documentId = z.string().regex(/^[0-9a-z]{4,32}$/, 'must be a document id');
const text = (max: number) => z.string().max(max);
const uploadId = z.string().regex(/^[0-9a-z]{12}$/);

const documentFilter = z
  .object({
    category: z.enum(RECORD_CATEGORIES).optional(),
    type: recordType.optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    provider: text(200).optional(),
    tag: text(64).optional(),
    text: text(500).optional(),
    needsReview: z.boolean().optional(),
  })
  .strict();

const documentEdit = z
  .object({
    title: text(MAX_TITLE_LENGTH).optional(),
    type: recordType.optional(),
    date: isoDate.nullable().optional(),
    provider: text(200).nullable().optional(),
    addTags: z.array(text(64)).max(50).optional(),
    removeTags: z.array(text(64)).max(50).optional(),
    reviewed: z.literal(true).optional(),
  })
  .strict();

const packetRequest = z
  .object({
    purpose: z.enum(PACKET_PURPOSES),
    documentIds: z.array(documentId).min(1).max(5000),
    recipient: z.object({ name: text(200), organisation: text(200), address: text(1000) }).strict(),
    appeal: z
      .object({
        memberId: text(100),
        claimNumber: text(100),
        datesOfService: text(MAX_TITLE_LENGTH),
        denialDate: z.union([isoDate, z.literal('')]),
        statement: text(20_000),
      })
      .strict()
      .optional(),
    patient: z.object({ name: text(200), dateOfBirth: z.union([isoDate, z.literal('')]) }).strict(),
    includePsychotherapyNotes: z.boolean().optional(),
    includeNotCovered: z.boolean().optional(),
  })
  .strict();

const packetOutput = z
  .object({
    form: z.enum(PACKET_FORMS),
    folder: text(4096).min(1),
    name: text(255).min(1),
    deidentify: z.boolean().optional(),
  })
  .strict();

const none = z.tuple([]);
const one = <T extends z.ZodType>(schema: T) => z.tuple([schema]);

/** For each method, the schema of its argument list. */
export const API_ARG_SCHEMAS = {
  getStatus: none,
  createVault: one(z.object({ passphrase: secret }).strict()),
  unlock: one(z.union([z.object({ passphrase: secret }).strict(), z.object({ recoveryKey: secret }).strict()])),
  rescueVault: one(z.union([z.object({ passphrase: secret }).strict(), z.object({ recoveryKey: secret }).strict()])),
  lock: none,
  setAutoLock: one(
    z
      .object({
        minutes: z
          .number()
          .int()
          .min(0)
          .max(24 * 60),
      })
      .strict(),
  ),
  listDocuments: one(documentFilter),
  getFacets: none,
  getDocument: one(z.object({ id: documentId }).strict()),
  getReadableDocument: one(z.object({ id: documentId }).strict()),
  getDicomStudy: one(z.object({ id: documentId }).strict()),
  setKeyImage: one(
    z
      .object({
        id: documentId,
        sopInstanceUid: z.string().regex(/^[0-9.]{1,64}$/, 'must be a DICOM UID'),
        frame: z.number().int().min(0).max(1_000_000),
        marked: z.boolean(),
      })
      .strict(),
  ),
  editDocument: one(z.object({ id: documentId, edit: documentEdit }).strict()),
  browseFolder: one(z.object({ path: text(4096).nullable() }).strict()),
  startImport: one(
    z
      .object({
        paths: z.array(text(4096).min(1)).max(10_000).optional(),
        uploadIds: z
          .array(z.string().regex(/^[0-9a-z]{12}$/))
          .max(10_000)
          .optional(),
        sourceKind: z.enum(['file', 'disc', 'download', 'scan']).optional(),
        scans: z
          .array(
            z
              .object({
                title: text(MAX_TITLE_LENGTH).optional(),
                pages: z
                  .array(
                    z
                      .object({
                        path: text(4096).min(1).optional(),
                        uploadId: uploadId.optional(),
                        rotate: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).optional(),
                      })
                      .strict()
                      .refine((page) => (page.path === undefined) !== (page.uploadId === undefined), {
                        message: 'each page needs a path or an upload, not both',
                      }),
                  )
                  .min(1)
                  .max(500),
              })
              .strict(),
          )
          .max(100)
          .optional(),
      })
      .strict(),
  ),
  cancelImport: one(z.object({ importId: z.string().regex(/^[0-9a-z]{12}$/) }).strict()),
  getOwner: none,
  getScannerStatus: none,
  scanPage: none,
  getPacketDefaults: none,
  planPacket: one(z.object({ request: packetRequest, output: packetOutput }).strict()),
  startPacket: one(z.object({ request: packetRequest, output: packetOutput }).strict()),
  cancelPacket: one(z.object({ packetId: z.string().regex(/^[0-9a-z]{12}$/) }).strict()),
  listDisclosures: none,
  checkVault: none,
  removeUnreferencedFiles: none,
  saveDisclosuresCsv: one(z.object({ folder: text(4096).min(1), name: text(255).min(1) }).strict()),
  setOwner: one(
    z
      .object({
        owner: z
          .object({ name: text(200).nullable(), id: text(64).nullable() })
          .strict()
          .nullable(),
      })
      .strict(),
  ),
} satisfies { [M in ApiMethod]: z.ZodType };

/**
 * Type-level proof that every schema parses to what its method takes (and takes no more): a
 * schema that drifts from `Api` fails the type check here, so the cast in checkApiArgs is sound.
 */
type SchemaOutputs = { [M in ApiMethod]: z.output<(typeof API_ARG_SCHEMAS)[M]> };
type Mismatched = {
  [M in ApiMethod]: SchemaOutputs[M] extends ApiArgs<M> ? (ApiArgs<M> extends SchemaOutputs[M] ? never : M) : M;
}[ApiMethod];
type Holds<T extends true> = T;
/** `true`, or a type error naming no method: see `Mismatched` for the methods whose schema drifted. */
export type ApiSchemasMatchContract = Holds<[Mismatched] extends [never] ? true : false>;

export type ArgCheck<M extends ApiMethod> = { ok: true; args: ApiArgs<M> } | { ok: false; message: string };

/** Checks raw arguments (from IPC or JSON) against the method's schema. */
export function checkApiArgs<M extends ApiMethod>(method: M, raw: unknown): ArgCheck<M> {
  const schema = API_ARG_SCHEMAS[method] as z.ZodType;
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, args: result.data as ApiArgs<M> };
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` (${issue.path.slice(1).join('.') || 'argument'})` : '';
  return { ok: false, message: `Invalid request to ${method}${where}: ${issue?.message ?? 'bad arguments'}.` };
}

export function isApiMethod(name: string): name is keyof Api {
  return Object.prototype.hasOwnProperty.call(API_ARG_SCHEMAS, name);
}

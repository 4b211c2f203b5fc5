import { z } from 'zod'
import { ENTITY_TYPES } from '../../llm/index.js'
import { shortKeyComponent } from './short-key-component.js'

/** Entity types an extraction may carry: the offline model's types, `concept` (a relationship end that is no named entity) and `other`. */
export const EXTRACTED_ENTITY_TYPES: readonly string[] = Object.freeze([...ENTITY_TYPES, 'concept', 'other'])

/** The version of the {@link ExtractionRecord} layout. */
export const EXTRACTION_RECORD_FORMAT = 1

/** The key prefix of extraction records in the extractor's keyspace. */
export const EXTRACTION_KEY_PREFIX = 'x/'

/** The default keyspace the entity-extractor plugin writes and the entities/relationships cartridges read. */
export const DEFAULT_EXTRACTION_KEYSPACE = 'entity-extractor'

const confidence = z.number().min(0).max(1)

/** Validates an {@link ExtractionRecord} (cartridges check every record they consume). */
export const extractionRecordSchema = z
  .object({
    format: z.literal(EXTRACTION_RECORD_FORMAT),
    source: z.object({ keyspace: z.string().min(1), key: z.string().min(1), txnId: z.number().int().positive(), timestamp: z.number().int().nonnegative() }).strict(),
    plugin: z.string().regex(/^[a-z][a-z0-9_.-]*@\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/),
    modelId: z.string().min(1).nullable(),
    ledgerEntryId: z.string().min(1).nullable(),
    entities: z.array(z.object({ name: z.string().min(1).max(200), type: z.string().min(1).max(40), confidence }).strict()).max(1000),
    topics: z.array(z.object({ phrase: z.string().min(1).max(200), weight: z.number().min(0).max(1) }).strict()).max(1000),
    relationships: z
      .array(z.object({ subject: z.number().int().min(0), predicate: z.string().min(1).max(100), object: z.number().int().min(0), confidence }).strict())
      .max(1000),
  })
  .strict()
  .refine((record) => record.relationships.every((edge) => edge.subject < record.entities.length && edge.object < record.entities.length), 'relationship ends must index entities')

/**
 * What the entity extractor writes for one source record, and what the entities and
 * relationships cartridges consume. Everything a cartridge derives is in the record,
 * so cartridges rebuild from the commit stream without calling a model.
 *
 * - `source`: the app record it was extracted from and the commit that wrote it (txn id and
 *   wall-clock timestamp);
 * - `plugin`: `<name>@<version>` of the extractor; `modelId` (null when unknown) and `ledgerEntryId`: the
 *   model call (ledger entry = request hash; null when the call bypassed the ledger);
 * - `entities`: one per distinct (type, name) in the record, confidence already thresholded;
 * - `relationships`: subject/object are indexes into `entities` (ends that are not named
 *   entities are added as `concept` entities).
 *
 * Stored under `x/<source id>` (see {@link sourceId}).
 */
export type ExtractionRecord = z.infer<typeof extractionRecordSchema>

/** The source id of a record: `<keyspace>/<key>` as two short key components (never ambiguous, at most 129 characters). */
export function sourceId(keyspace: string, key: string): string {
  return `${shortKeyComponent(keyspace)}/${shortKeyComponent(key)}`
}

/** The key of the extraction record of a source record. */
export function extractionKey(keyspace: string, key: string): string {
  return `${EXTRACTION_KEY_PREFIX}${sourceId(keyspace, key)}`
}

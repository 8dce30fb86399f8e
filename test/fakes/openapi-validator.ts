// Checks request bodies against a platform's OpenAPI document, so the fakes refuse what the platform would.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';

interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: object }> } }>>;
  components?: object;
}

export class OpenApiValidator {
  private static readonly byFile = new Map<string, OpenApiValidator>();
  /** JSON bodies carry types; form bodies are strings the OpenAPI encoding rules convert (coerceTypes). */
  private readonly json = createAjv(false);
  private readonly form = createAjv(true);
  private readonly compiled = new Map<string, ValidateFunction | null>();

  private constructor(private readonly document: OpenApiDocument) {}

  /** One validator per document for the whole test run: its schemas are compiled once. */
  static forFile(path: string): OpenApiValidator {
    let validator = this.byFile.get(path);
    if (!validator) {
      validator = new OpenApiValidator(JSON.parse(readFileSync(path, 'utf8')) as OpenApiDocument);
      this.byFile.set(path, validator);
    }
    return validator;
  }

  /**
   * What is wrong with a request body for `method` `pathTemplate` (as written in the document, e.g.
   * '/2/media/upload/{id}/append'); empty when the body fits or the operation declares no body schema.
   */
  bodyErrors(method: string, pathTemplate: string, contentType: string, body: unknown): string[] {
    const mediaType = contentType.split(';')[0].trim().toLowerCase();
    const validate = this.validatorFor(method.toLowerCase(), pathTemplate, mediaType);
    if (!validate) {
      return [];
    }
    const isForm = mediaType === 'multipart/form-data' || mediaType === 'application/x-www-form-urlencoded';
    const candidate = isForm ? asFormStrings(body) : body;
    return validate(candidate) ? [] : (validate.errors ?? []).map(describe);
  }

  /**
   * False when the document defines `method` `pathTemplate` with no request body at all (X's finalize):
   * a validating mock refuses any body, or a Content-Type announcing one, with 415. True otherwise.
   */
  acceptsBody(method: string, pathTemplate: string): boolean {
    const operation = this.document.paths[pathTemplate]?.[method.toLowerCase()];
    return operation === undefined || operation.requestBody !== undefined;
  }

  private validatorFor(method: string, pathTemplate: string, mediaType: string): ValidateFunction | null {
    const key = `${method} ${pathTemplate} ${mediaType}`;
    if (!this.compiled.has(key)) {
      const schema = this.document.paths[pathTemplate]?.[method]?.requestBody?.content?.[mediaType]?.schema;
      const ajv = mediaType === 'application/json' ? this.json : this.form;
      // The document's components ride along so that '#/components/…' references resolve.
      this.compiled.set(key, schema ? ajv.compile({ allOf: [schema], components: this.document.components }) : null);
    }
    return this.compiled.get(key) ?? null;
  }
}

function createAjv(coerceTypes: boolean): Ajv {
  // OpenAPI 3.0 schemas carry keywords JSON Schema does not know (discriminator, example, nullable…).
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes, validateSchema: false, logger: false });
  addFormats(ajv);
  return ajv;
}

/** File parts become binary strings, which is what `format: binary` describes. */
function asFormStrings(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) {
    return body;
  }
  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => [name, Buffer.isBuffer(value) ? value.toString('latin1') : value]),
  );
}

function describe(error: ErrorObject): string {
  const where = error.instancePath ? `$${error.instancePath.replace(/\//g, '.')}` : '$';
  const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
  return `${where} ${error.message ?? 'is invalid'}${extra}`;
}

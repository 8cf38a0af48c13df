import type { Context } from 'hono';
import type { z } from 'zod';

/**
 * Reading what a volunteer sent, through a zod schema: a JSON body (the API) or a form (the pages).
 * Every problem is named with its field (`text: the reply is empty`), so a 400 says what to fix.
 */

export type Parsed<T> = { ok: true; data: T } | { ok: false; error: string };

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`).join('; ');
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): Parsed<z.output<S>> {
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, error: describeIssues(parsed.error) };
}

/** The JSON body through its schema; an absent or broken body is named as such. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<Parsed<z.output<S>>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return { ok: false, error: 'the body must be a JSON object' };
  }
  return parseWith(schema, body);
}

/**
 * A form's fields as strings (several values of one name, such as checkboxes, as a list). The CSRF
 * middleware has read the form already; Hono keeps it.
 */
export async function readForm(c: Context): Promise<Record<string, string | string[]>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return {};
  const body = await c.req.parseBody({ all: true });
  const form: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') form[key] = value;
    else if (Array.isArray(value)) form[key] = value.filter((v): v is string => typeof v === 'string');
  }
  return form;
}

/** One field of a form as a single string (the first, when it came several times). */
export function field(form: Record<string, string | string[]>, name: string): string | undefined {
  const value = form[name];
  return Array.isArray(value) ? value[0] : value;
}

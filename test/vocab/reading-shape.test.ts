// Raw readings against hd:ObservationShape, hd:QuantityValueShape and hd:ReadingUnitShape.
import { describe, expect, it } from 'vitest';
import { assertValid, parseTurtle, validateAgainstShapes } from '../../src/vocab/index.ts';
import { ValidationError } from '../../src/errors.ts';
import { edit, READING, READING_BASE } from './documents.ts';

const options = { baseIRI: READING_BASE, source: 'reading batch' };

/** The property names of a document's failures. */
async function failedPaths(turtle: string): Promise<string[]> {
  const report = await validateAgainstShapes(turtle, options);
  return report.results.map((result) => result.path ?? '');
}

describe('reading shape', () => {
  it('accepts a reading as the gateway writes it', async () => {
    const report = await validateAgainstShapes(READING, options);
    expect(report.results).toEqual([]);
    expect(report.conforms).toBe(true);
  });

  it('rejects a reading without sosa:resultTime, naming the property', async () => {
    const missing = edit(READING, '  sosa:resultTime "2024-01-15T09:00:00Z"^^xsd:dateTime ;\n', '');
    const report = await validateAgainstShapes(missing, options);
    expect(report.conforms).toBe(false);
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({
      focusNode: `${READING_BASE}#living-th1-20240115T090000Z`,
      path: 'sosa:resultTime',
      severity: 'Violation',
      constraint: 'sh:MinCountConstraintComponent',
    });
    await expect(assertValid(missing, options)).rejects.toThrow(/sosa:resultTime: /);
  });

  it('throws a ValidationError carrying the results in its context', async () => {
    const missing = edit(READING, '  sosa:resultTime "2024-01-15T09:00:00Z"^^xsd:dateTime ;\n', '');
    const error = await assertValid(missing, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    const validation = error as ValidationError;
    expect(validation.status).toBe(422);
    expect(validation.message).toContain('reading batch does not match the homedata shapes');
    expect(validation.context.results).toEqual([expect.objectContaining({ path: 'sosa:resultTime' })]);
  });

  it('rejects a result time that is not an xsd:dateTime', async () => {
    const dated = edit(READING, '"2024-01-15T09:00:00Z"^^xsd:dateTime', '"2024-01-15"^^xsd:date');
    expect(await failedPaths(dated)).toEqual(['sosa:resultTime']);
  });

  it('rejects a unit outside the canonical units', async () => {
    const fahrenheit = edit(READING, 'qudt:unit unit:DEG_C', 'qudt:unit unit:DEG_F');
    const paths = await failedPaths(fahrenheit);
    expect(paths).toContain('qudt:unit');
    await expect(assertValid(fahrenheit, options)).rejects.toThrow(
      /qudt:unit: a quantity value needs exactly one unit/,
    );
  });

  it('rejects a canonical unit that belongs to another property', async () => {
    const ppmTemperature = edit(READING, 'qudt:unit unit:DEG_C', 'qudt:unit unit:PPM');
    const report = await validateAgainstShapes(ppmTemperature, options);
    expect(report.results).toEqual([
      expect.objectContaining({ path: 'qudt:unit', message: expect.stringContaining('canonical unit') }),
    ]);
  });

  it('rejects a result written as a blank node', async () => {
    const blank = edit(
      edit(READING, 'sosa:hasResult <#living-th1-20240115T090000Z-result>', 'sosa:hasResult _:result'),
      '<#living-th1-20240115T090000Z-result> a qudt:QuantityValue',
      '_:result a qudt:QuantityValue',
    );
    const report = await validateAgainstShapes(blank, options);
    expect(report.results).toEqual([
      expect.objectContaining({ path: 'sosa:hasResult', constraint: 'sh:NodeKindConstraintComponent' }),
    ]);
  });

  it('rejects a result that is not a number', async () => {
    const text = edit(READING, '"19.25"^^xsd:double', '"warm"');
    expect(await failedPaths(text)).toEqual(['qudt:numericValue']);
  });

  it('accepts an xsd:decimal value', async () => {
    const decimal = edit(READING, '"19.25"^^xsd:double', '19.25');
    expect((await validateAgainstShapes(decimal, options)).conforms).toBe(true);
  });

  it('rejects an observed property outside the five', async () => {
    const noise = edit(READING, 'sosa:observedProperty hd:Temperature', 'sosa:observedProperty hd:Noise');
    expect(await failedPaths(noise)).toContain('sosa:observedProperty');
  });

  it('rejects two sensors on one reading', async () => {
    const two = edit(READING, 'sosa:madeBySensor <', 'sosa:madeBySensor <https://x.example/s#2>, <');
    expect(await failedPaths(two)).toEqual(['sosa:madeBySensor']);
  });

  it('rejects an observation typed neither hd:Reading nor hd:DailySummary', async () => {
    const untyped = edit(READING, 'a sosa:Observation, hd:Reading ;', 'a sosa:Observation ;');
    expect(await failedPaths(untyped)).toEqual(['rdf:type']);
  });

  it('rejects a reading not also typed sosa:Observation', async () => {
    const onlyReading = edit(READING, 'a sosa:Observation, hd:Reading ;', 'a hd:Reading ;');
    expect(await failedPaths(onlyReading)).toEqual(['rdf:type']);
  });

  it('keeps the results of concurrent validations apart', async () => {
    const missing = edit(READING, '  sosa:resultTime "2024-01-15T09:00:00Z"^^xsd:dateTime ;\n', '');
    const [good, bad, goodAgain] = await Promise.all([
      validateAgainstShapes(READING, options),
      validateAgainstShapes(missing, options),
      validateAgainstShapes(READING, options),
    ]);
    expect([good.conforms, bad.conforms, goodAgain.conforms]).toEqual([true, false, true]);
    expect(bad.results.map((result) => result.path)).toEqual(['sosa:resultTime']);
  });

  it('accepts quads and n3 Stores as well as Turtle text', async () => {
    const store = parseTurtle(READING, { baseIRI: READING_BASE });
    expect((await validateAgainstShapes(store)).conforms).toBe(true);
    expect((await validateAgainstShapes([...store])).conforms).toBe(true);
  });
});

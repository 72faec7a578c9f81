import fs from 'node:fs/promises';
import * as yaml from 'yaml';
import { LoggerService } from '@backstage/backend-plugin-api';
import { HealthRecord } from '@kratix-backstage/plugin-kratix-common';
import { checkDepth, parsePromise, YAML_LIMITS, yamlToJson } from '../engine';
import { KratixApi, ResourceInput } from './KratixApi';

interface Document {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/**
 * Applies the Promise, Resource and HealthRecord documents of seed files:
 * Promises first, then Resources (matched to their Promise by apiVersion
 * and kind), then HealthRecords. A bad document (invalid, nested too deep,
 * badly named) is logged and skipped.
 */
export async function applySeedFiles(
  service: KratixApi,
  files: string[],
  logger: LoggerService,
): Promise<void> {
  const docs: Document[] = [];
  for (const file of files) {
    const text = await fs.readFile(file, 'utf8');
    yamlToJson(yaml, text, YAML_LIMITS).forEach((result, i) => {
      const where = `Seed file ${file}, document ${i + 1}`;
      if ('error' in result) {
        logger.error(`${where}: ${result.error}`);
        return;
      }
      const doc = JSON.parse(result.json) as Document | null;
      try {
        checkDepth(doc, doc?.kind ?? 'document');
        if (doc) docs.push(doc);
      } catch (e) {
        logger.error(`${where}: ${e}`);
      }
    });
  }
  const attempt = async (doc: Document, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (e) {
      logger.error(
        `Seed ${doc.kind ?? 'document'} '${doc.metadata?.name}' refused: ${e}`,
      );
    }
  };
  const promises = docs.filter(d => d.kind === 'Promise');
  const health = docs.filter(d => d.kind === 'HealthRecord');
  const resources = docs.filter(
    d => !promises.includes(d) && !health.includes(d),
  );
  for (const doc of promises)
    await attempt(doc, () => service.applyPromise(doc));
  const known = await service.listPromises();
  for (const doc of resources) {
    await attempt(doc, async () => {
      const promise = known.find(p => {
        const api = parsePromise(p).api;
        return (
          api?.kind === doc.kind && doc.apiVersion?.startsWith(`${api?.group}/`)
        );
      });
      if (!promise)
        throw new Error(`no Promise offers ${doc.apiVersion} ${doc.kind}`);
      await service.applyResource(
        promise.metadata.name,
        doc.metadata?.namespace ?? 'default',
        doc.metadata?.name ?? '',
        doc as ResourceInput,
      );
    });
  }
  for (const doc of health) {
    const record = doc as HealthRecord;
    await attempt(doc, () =>
      service.putHealthRecord(
        record.metadata?.namespace ?? 'default',
        record.metadata?.name,
        record,
      ),
    );
  }
}

// `tessera models list`: the text models this installation knows and whether each is in
// TESSERA_MODELS_DIR. `tessera models pull NAME`: downloads a catalogue model (or any 'org/model'
// hub repository with ONNX weights in onnx/) into TESSERA_MODELS_DIR with a progress bar, then
// loads it and embeds one text to check it works (and, for a catalogue model, its dimension). The
// only command that needs the network; the server and workers then load the model offline.
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import { modelsDirOf, type TesseraConfig } from '../../config.ts';
import { LEXICAL_MODEL } from '../../adapters/models/lexical-text-embedder.ts';
import { missingFiles, ModelCatalogue, type NeuralTextModel } from '../../adapters/models/model-catalogue.ts';
import { embedWith, loadPipeline, ModelFilesMissingError, type DownloadProgress, type ModelSpec } from '../../adapters/models/transformers-text-embedder.ts';

interface ModelsIo {
  config: () => TesseraConfig;
  stdout: Writable;
  onFailure: (message: string) => Error;
}

export interface ModelListing {
  name: string;
  kind: 'lexical' | 'neural';
  dimensions: number;
  inference_service_id: string | null;
  repository: string | null;
  present: boolean;
  missing_files: string[];
  description: string;
}

export function listModels(modelsDir: string, catalogue = new ModelCatalogue()): ModelListing[] {
  return [
    {
      name: LEXICAL_MODEL.name,
      kind: 'lexical',
      dimensions: LEXICAL_MODEL.dimensions,
      inference_service_id: null,
      repository: null,
      present: true,
      missing_files: [],
      description: 'Built in: hashed word and character n-grams (lexical, not semantic); needs no files',
    },
    ...catalogue.all().map((m) => {
      const missing = missingFiles(modelsDir, m);
      return {
        name: m.name,
        kind: 'neural' as const,
        dimensions: m.dimensions,
        inference_service_id: m.inferenceServiceId,
        repository: m.repository,
        present: missing.length === 0,
        missing_files: missing,
        description: m.description,
      };
    }),
  ];
}

/** A bar over all bytes when stdout is a terminal; otherwise one line per finished file. */
function progressReporter(stdout: Writable): { onProgress: (p: DownloadProgress) => void; stop: () => void } {
  const tty = (stdout as NodeJS.WriteStream).isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: 'downloading [{bar}] {percentage}% | {mb} MB | {file}', hideCursor: true, stream: stdout as NodeJS.WriteStream },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  let file = '';
  return {
    onProgress(p) {
      if (p.file) file = p.file;
      if (p.status === 'progress_total' && bar) {
        const total = Math.max(1, p.total ?? 0);
        if (!started) {
          bar.start(total, 0, { mb: '0.0', file });
          started = true;
        }
        bar.setTotal(total);
        bar.update(p.loaded ?? 0, { mb: ((p.loaded ?? 0) / 1e6).toFixed(1), file });
      } else if (p.status === 'done' && !bar && p.file) {
        stdout.write(`fetched ${p.file}\n`);
      }
    },
    stop() {
      if (started) bar?.stop();
    },
  };
}

function specFor(name: string, catalogue: ModelCatalogue, dtype: 'fp32' | 'q8' | undefined, externalData: boolean): { spec: ModelSpec; known: NeuralTextModel | undefined } | null {
  const known = catalogue.find(name);
  if (known) return { spec: { name: known.name, repository: known.repository, dtype: dtype ?? known.dtype, externalData: known.externalData }, known };
  if (/^[\w.-]+\/[\w.-]+$/.test(name) && !name.includes('..')) return { spec: { name, repository: name, dtype: dtype ?? 'fp32', externalData }, known: undefined };
  return null;
}

export function registerModelsCommand(program: Command, io: ModelsIo): void {
  const models = program.command('models').description('text models: list what is installed, pull one into TESSERA_MODELS_DIR');

  models
    .command('list')
    .description('the known text models and whether each is in TESSERA_MODELS_DIR')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => {
      const dir = modelsDirOf(io.config());
      const listing = listModels(dir);
      if (opts.json) {
        io.stdout.write(`${JSON.stringify({ models_dir: dir, models: listing })}\n`);
        return;
      }
      io.stdout.write(`Models directory: ${dir}\n`);
      for (const m of listing) {
        const where = m.kind === 'lexical' ? 'built in' : m.present ? 'present' : 'not present';
        io.stdout.write(`  ${m.name.padEnd(36)} ${String(m.dimensions).padStart(5)}-d  ${where.padEnd(11)}  ${m.repository ?? ''}\n`);
      }
    });

  models
    .command('pull')
    .description('download a model (a catalogue name, or an org/model hub repository with ONNX weights) into TESSERA_MODELS_DIR')
    .argument('<name>', 'e.g. multilingual_e5_large_instruct_v1, all_minilm_l6_v2, or Xenova/bge-small-en-v1.5')
    .addOption(new Option('--dtype <dtype>', 'ONNX weights to fetch: fp32 (onnx/model.onnx) or q8 (onnx/model_quantized.onnx)').choices(['fp32', 'q8']))
    .option('--external-data', 'an org/model repository whose weights are split into onnx/model.onnx_data')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { dtype?: 'fp32' | 'q8'; externalData?: boolean; json?: boolean }) => {
      const config = io.config();
      const modelsDir = modelsDirOf(config);
      const catalogue = new ModelCatalogue();
      const resolved = specFor(name, catalogue, opts.dtype, opts.externalData ?? false);
      if (!resolved) throw io.onFailure(`unknown model '${name}': one of ${catalogue.all().map((m) => m.name).join(', ')}, or an org/model hub repository`);
      const { spec, known } = resolved;
      // Files already there are only checked (offline): asking the hub again is never needed.
      const present = missingFiles(modelsDir, spec).length === 0;
      const progress = progressReporter(io.stdout);
      const started = performance.now();
      let dimensions: number;
      try {
        const extractor = await loadPipeline(spec, { modelsDir, allowDownload: !present }, present ? undefined : progress.onProgress);
        try {
          dimensions = (await embedWith(extractor, ['Tessera checks the model it pulled.'])).dimensions;
        } finally {
          await extractor.dispose();
        }
      } catch (err) {
        progress.stop();
        if (err instanceof ModelFilesMissingError) throw io.onFailure(`${spec.repository}: ${err.message}`);
        throw io.onFailure(`${spec.repository} could not be ${present ? 'loaded' : 'downloaded'} into ${modelsDir}: ${err instanceof Error ? err.message : String(err)}`);
      }
      progress.stop();
      if (known && dimensions !== known.dimensions) {
        throw io.onFailure(`${spec.repository} in ${modelsDir} produces ${dimensions}-d vectors, but ${known.name} is ${known.dimensions}-d: remove the folder and pull again`);
      }
      const seconds = (performance.now() - started) / 1000;
      const result = { name: known?.name ?? spec.repository, repository: spec.repository, models_dir: modelsDir, dimensions, already_present: present, seconds: Number(seconds.toFixed(1)) };
      if (opts.json) io.stdout.write(`${JSON.stringify(result)}\n`);
      else io.stdout.write(`${present ? 'Already present' : 'Pulled'}: ${result.name} (${spec.repository}, ${dimensions}-d) in ${modelsDir} [${result.seconds} s]\n`);
    });
}

import type { SkillMatch } from '../../db/tables/skills.ts';

/** One skill of the demo organisation's own skill set. */
export interface DemoSkill {
  label: string;
  altLabels: string[];
  description: string;
  /** ESCO v1.1.1 concept URIs (only the URIs are used; they resolve once ESCO is imported). */
  mappings: Array<{ targetUri: string; match: SkillMatch }>;
}

const esco = (id: string) => `http://data.europa.eu/esco/skill/${id}`;

/** ESCO concepts the demo skills point at, named for readability. */
const ESCO = {
  machineLearning: esco('3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43'),
  utiliseMachineLearning: esco('8369c2d6-c100-4cf6-bd83-9668d8678433'),
  principlesOfAi: esco('e465a154-93f7-4973-9ce1-31659fe16dd2'),
  naturalLanguageProcessing: esco('fff0e2cd-d0bd-4b02-9daf-158b79d9688a'),
  deepLearning: esco('ecc4552a-92c5-4222-b18d-faf5ac841080'),
  neuralNetworks: esco('5608d5a0-6d5e-43b7-be37-616501729bb4'),
  informationExtraction: esco('696e3b5b-8b61-45af-ae4c-3ab700f197ec'),
  python: esco('ccd0a1d9-afda-43d9-b901-96344886e14d'),
  dataAnalytics: esco('97bd1c21-66b2-4b7e-ad0f-e3cda590e378'),
  performDataAnalysis: esco('2b92a5b2-6758-4ee3-9fb4-b6387a55cc8f'),
  performDataCleansing: esco('50b100ea-74fd-4706-99db-3e4ca55e51b8'),
  normaliseData: esco('07889c08-7220-47c8-96f7-6068fbea00dc'),
  dataQualityAssessment: esco('cc7370dd-69fa-4c67-a96f-d4d135d38700'),
  databaseManagementSystems: esco('ab1e97ed-2319-4293-a8b7-072d2648822f'),
  useDatabases: esco('4463a721-69f3-413d-8321-43e3af13a4f1'),
  queryLanguages: esco('9cf681c7-89ec-470c-b651-7fe03786f586'),
  etlTools: esco('9d0d89be-bffa-4393-b6f6-8d05bea49051'),
  statistics: esco('7ee4c2ea-b349-4bd2-81a3-ec31475d4833'),
  dataProtection: esco('a4346013-a967-4a58-a533-6b32ad1364c5'),
  ensureInformationPrivacy: esco('71717c33-dd63-4acf-b052-a5fd5d9fc490'),
  ethics: esco('cef5c0f8-1e40-4c09-b6a7-aa7811849e5d'),
  cloudTechnologies: esco('bd14968e-e409-45af-b362-3495ed7b10e0'),
  developWithCloudServices: esco('6b643893-0a1f-4f6c-83a1-e7eef75849b9'),
  automatedSoftwareTests: esco('6a322874-e32f-4cd8-9683-badce67a7f73'),
  algorithms: esco('54924a2c-daca-40d3-9716-4b38ceb04f38'),
  createDataSets: esco('906323f4-00c4-4c3b-ab5a-8af77be3456e'),
} as const;

/**
 * The demo organisation's skill set: applied-AI and data skills that ESCO v1.1.1 does not name yet, written
 * for Credstack (no framework text is copied), several mapped to the nearest ESCO concepts by URI. The demo
 * seed creates them with `skills.seedDemoSkills`, so a fresh installation has skills to align definitions to
 * without any import.
 */
export const DEMO_SKILLS: readonly DemoSkill[] = [
  {
    label: 'prompt engineering',
    altLabels: ['prompt design', 'prompting large language models'],
    description:
      'Writes, structures and iterates instructions, examples and context for large language models so that their output is accurate, consistent and safe for the task at hand.',
    mappings: [
      { targetUri: ESCO.principlesOfAi, match: 'narrowMatch' },
      { targetUri: ESCO.naturalLanguageProcessing, match: 'closeMatch' },
    ],
  },
  {
    label: 'retrieval-augmented generation',
    altLabels: ['RAG', 'grounded generation'],
    description:
      'Builds pipelines that fetch relevant passages from a document store and give them to a language model, so answers are grounded in the organisation’s own sources and cite them.',
    mappings: [
      { targetUri: ESCO.naturalLanguageProcessing, match: 'narrowMatch' },
      { targetUri: ESCO.informationExtraction, match: 'closeMatch' },
    ],
  },
  {
    label: 'LLM evaluation',
    altLabels: ['evaluating language models', 'LLM evals', 'model output evaluation'],
    description:
      'Designs test sets, metrics and human review protocols that measure the quality, factuality and failure modes of language model outputs before and after release.',
    mappings: [{ targetUri: ESCO.machineLearning, match: 'narrowMatch' }],
  },
  {
    label: 'vector databases',
    altLabels: ['vector search', 'embedding stores', 'similarity search'],
    description:
      'Stores embeddings and runs nearest-neighbour queries over them, choosing index types, distance measures and filters that fit the data and the latency budget.',
    mappings: [{ targetUri: ESCO.databaseManagementSystems, match: 'narrowMatch' }],
  },
  {
    label: 'text embeddings',
    altLabels: ['sentence embeddings', 'semantic embeddings'],
    description:
      'Turns text into numeric vectors with pre-trained models, and judges which model and chunking strategy keep the meaning that a search or clustering task needs.',
    mappings: [{ targetUri: ESCO.naturalLanguageProcessing, match: 'narrowMatch' }],
  },
  {
    label: 'Python data wrangling',
    altLabels: ['pandas', 'data wrangling in Python', 'data munging'],
    description:
      'Loads, reshapes, joins and cleans tabular data in Python with dataframe libraries, and leaves a reproducible script behind rather than a one-off spreadsheet.',
    mappings: [
      { targetUri: ESCO.python, match: 'narrowMatch' },
      { targetUri: ESCO.performDataCleansing, match: 'closeMatch' },
    ],
  },
  {
    label: 'responsible AI',
    altLabels: ['trustworthy AI', 'AI ethics in practice'],
    description:
      'Identifies and reduces harms of AI systems (bias, privacy leaks, misuse, over-reliance) through impact assessments, documentation and human oversight.',
    mappings: [
      { targetUri: ESCO.ethics, match: 'narrowMatch' },
      { targetUri: ESCO.principlesOfAi, match: 'narrowMatch' },
    ],
  },
  {
    label: 'AI risk assessment',
    altLabels: ['AI impact assessment', 'algorithmic risk assessment'],
    description:
      'Classifies an AI use case by risk, documents its intended purpose, data and limits, and records the controls required before it goes live.',
    mappings: [{ targetUri: ESCO.principlesOfAi, match: 'narrowMatch' }],
  },
  {
    label: 'fine-tuning language models',
    altLabels: ['LLM fine-tuning', 'parameter-efficient fine-tuning', 'LoRA'],
    description:
      'Adapts a pre-trained language model to a domain or task with curated examples, choosing between full and parameter-efficient training and checking for regressions.',
    mappings: [
      { targetUri: ESCO.deepLearning, match: 'narrowMatch' },
      { targetUri: ESCO.utiliseMachineLearning, match: 'narrowMatch' },
    ],
  },
  {
    label: 'machine learning operations',
    altLabels: ['MLOps', 'model deployment', 'model monitoring'],
    description:
      'Versions data and models, automates training and deployment, and monitors models in production for drift, cost and failures.',
    mappings: [
      { targetUri: ESCO.utiliseMachineLearning, match: 'closeMatch' },
      { targetUri: ESCO.developWithCloudServices, match: 'broadMatch' },
    ],
  },
  {
    label: 'AI agent design',
    altLabels: ['LLM agents', 'tool-using agents', 'agentic workflows'],
    description:
      'Designs systems in which a language model plans steps and calls tools or APIs, with guardrails, limits on actions and logs a person can audit.',
    mappings: [{ targetUri: ESCO.principlesOfAi, match: 'narrowMatch' }],
  },
  {
    label: 'data labelling for machine learning',
    altLabels: ['data annotation', 'training data curation'],
    description:
      'Writes labelling guidelines, runs annotation rounds and measures agreement between annotators so that training and test data can be trusted.',
    mappings: [{ targetUri: ESCO.createDataSets, match: 'closeMatch' }],
  },
  {
    label: 'SQL for analytics',
    altLabels: ['analytical SQL', 'window functions'],
    description:
      'Answers business questions with SQL: joins, aggregates, window functions and common table expressions, written so that colleagues can read and rerun them.',
    mappings: [
      { targetUri: ESCO.queryLanguages, match: 'narrowMatch' },
      { targetUri: ESCO.useDatabases, match: 'narrowMatch' },
    ],
  },
  {
    label: 'data quality checks',
    altLabels: ['data validation', 'data testing'],
    description:
      'Defines and automates checks on completeness, validity, uniqueness and freshness of data sets, and reports failures before they reach dashboards or models.',
    mappings: [{ targetUri: ESCO.dataQualityAssessment, match: 'closeMatch' }],
  },
  {
    label: 'data pipelines',
    altLabels: ['ETL', 'ELT', 'data engineering pipelines'],
    description:
      'Builds scheduled, idempotent jobs that extract data from sources, transform it and load it where analysts and models need it, with retries and alerts.',
    mappings: [{ targetUri: ESCO.etlTools, match: 'closeMatch' }],
  },
  {
    label: 'exploratory data analysis',
    altLabels: ['EDA', 'data exploration'],
    description:
      'Summarises and plots a new data set to understand its distributions, gaps and relationships before any modelling, and writes down what was found.',
    mappings: [
      { targetUri: ESCO.performDataAnalysis, match: 'narrowMatch' },
      { targetUri: ESCO.statistics, match: 'broadMatch' },
    ],
  },
  {
    label: 'data visualisation for decisions',
    altLabels: ['dashboard design', 'data storytelling'],
    description:
      'Chooses charts that fit the question and the audience, removes clutter, and presents uncertainty honestly so that people can act on the numbers.',
    mappings: [{ targetUri: ESCO.dataAnalytics, match: 'narrowMatch' }],
  },
  {
    label: 'experiment design and A/B testing',
    altLabels: ['A/B testing', 'online experiments', 'controlled experiments'],
    description:
      'Plans randomised experiments with a hypothesis, sample size and stopping rule, and analyses the results without peeking or p-hacking.',
    mappings: [{ targetUri: ESCO.statistics, match: 'narrowMatch' }],
  },
  {
    label: 'privacy-preserving data handling',
    altLabels: ['pseudonymisation', 'data minimisation', 'anonymisation'],
    description:
      'Collects only the data a purpose needs, pseudonymises or aggregates it, controls access and keeps records that satisfy data protection law.',
    mappings: [
      { targetUri: ESCO.dataProtection, match: 'narrowMatch' },
      { targetUri: ESCO.ensureInformationPrivacy, match: 'closeMatch' },
    ],
  },
  {
    label: 'machine learning model evaluation',
    altLabels: ['model validation', 'cross-validation'],
    description:
      'Splits data correctly, picks metrics that reflect the real cost of errors, and compares models with baselines and confidence intervals rather than a single score.',
    mappings: [{ targetUri: ESCO.machineLearning, match: 'narrowMatch' }],
  },
  {
    label: 'neural network fundamentals',
    altLabels: ['deep learning basics'],
    description:
      'Explains and implements the building blocks of neural networks (layers, activation functions, loss, gradient descent) and recognises over- and under-fitting.',
    mappings: [
      { targetUri: ESCO.neuralNetworks, match: 'closeMatch' },
      { targetUri: ESCO.deepLearning, match: 'broadMatch' },
    ],
  },
  {
    label: 'cloud AI services',
    altLabels: ['managed AI platforms', 'AI APIs'],
    description:
      'Uses managed model APIs and machine learning platforms of cloud providers, with attention to quotas, cost, data residency and vendor lock-in.',
    mappings: [{ targetUri: ESCO.cloudTechnologies, match: 'narrowMatch' }],
  },
  {
    label: 'testing AI-enabled software',
    altLabels: ['testing LLM applications', 'regression testing for AI features'],
    description:
      'Writes automated tests for software whose behaviour depends on models: fixed fixtures, tolerance-based assertions, golden sets and checks for unsafe output.',
    mappings: [{ targetUri: ESCO.automatedSoftwareTests, match: 'narrowMatch' }],
  },
  {
    label: 'algorithmic thinking',
    altLabels: ['computational thinking', 'problem decomposition'],
    description:
      'Breaks a problem into steps, data structures and conditions precise enough for a computer, and reasons about correctness and cost.',
    mappings: [{ targetUri: ESCO.algorithms, match: 'closeMatch' }],
  },
  {
    label: 'writing clear technical documentation',
    altLabels: ['docs as code', 'technical writing'],
    description:
      'Writes task-oriented documentation (tutorials, how-to guides, reference, explanations) that stays in version control next to the code it describes.',
    mappings: [],
  },
];

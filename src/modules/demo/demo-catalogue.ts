import type { Actor } from '../../core/actor.ts';
import type { AssessmentsService } from '../assessments/assessments.service.ts';
import type { ItemInput } from '../assessments/items.ts';
import type { CatalogueService } from '../catalogue/catalogue.service.ts';
import type { DefinitionContent, SkillRef } from '../catalogue/definition.model.ts';
import type { CredentialsService } from '../credentials/credentials.service.ts';
import type { RubricInput } from '../portfolio/portfolio.rubric.ts';
import type { PortfolioService } from '../portfolio/portfolio.service.ts';
import type { SkillProfileService } from '../skill-profile/skill-profile.service.ts';
import type { SkillsService } from '../skills/skills.service.ts';

/** The services the demo catalogue is written through: the same paths a person would take. */
export interface DemoCatalogueServices {
  skills: Pick<SkillsService, 'seedDemoSkills' | 'listOrgSkills'>;
  catalogue: Pick<
    CatalogueService,
    'createDefinition' | 'submitDefinition' | 'publishDefinition' | 'importCatalogue'
  >;
  assessments: Pick<AssessmentsService, 'updateSettings' | 'addItem'>;
  portfolio: Pick<PortfolioService, 'saveRubric'>;
  credentials: Pick<CredentialsService, 'issueForDefinition'>;
  skillProfile: Pick<SkillProfileService, 'createRoleProfile'>;
}

export interface DemoCatalogueResult {
  skills: number;
  definitions: Array<{ id: string; title: string; status: string }>;
  externalEntries: number;
  awarded: Array<{ credentialId: string; title: string }>;
  /** A public role profile to analyse a gap and a learning path against. */
  roleProfile: { id: string; name: string };
}

const ACADEMY = { name: 'Demo Academy', url: 'https://demo-academy.example', country: 'ES' };

function baseContent(skills: SkillRef[], overrides: Partial<DefinitionContent>): DefinitionContent {
  return {
    title: 'untitled',
    achievementType: 'MicroCredential',
    awardingBodies: [ACADEMY],
    issuerCountries: ['ES'],
    workload: { hours: 25, creditPoints: { value: 1, framework: 'ECTS' } },
    level: { framework: 'EQF', value: '5' },
    participation: { mode: 'online', selfPaced: true },
    qualityAssurance: {
      statement:
        'Designed with practitioners and reviewed by the Demo Academy curriculum board; every assessment is double-checked before release.',
      reviewProcess: 'Reviewed every twelve months against current practice and learner feedback.',
    },
    stackability: {
      standalone: true,
      creditRecognition: 'Counts towards the Demo Academy Applied AI certificate (4 micro-credentials).',
    },
    validity: { months: 36, renewal: 'Renew by passing the current version of the assessment.' },
    languages: ['en'],
    cost: { amount: 0, currency: 'EUR', description: 'Free in the demo' },
    duration: 'P4W',
    industries: ['Information and communication'],
    skills,
    ...overrides,
  };
}

/** A ten-question test on prompt engineering: every item type, with feedback. */
const PROMPT_TEST_ITEMS: ItemInput[] = [
  {
    type: 'single_choice',
    prompt: 'Which change most reliably makes a model follow an output format?',
    options: [
      { text: 'Showing one or two examples of the exact format', correct: true },
      { text: 'Asking the model to "be careful"' },
      { text: 'Raising the temperature' },
      { text: 'Writing the prompt in capital letters' },
    ],
    feedback: 'Few-shot examples of the target format are the strongest signal a model gets.',
    learningOutcomeId: 'lo-structure',
  },
  {
    type: 'multiple_response',
    prompt: 'Which of these reduce the risk of prompt injection from retrieved documents?',
    options: [
      { text: 'Marking retrieved text clearly as data, not instructions', correct: true },
      { text: 'Checking tool calls against an allow-list before running them', correct: true },
      { text: 'Putting the retrieved text before the system prompt' },
      { text: 'Telling the model the documents are trustworthy' },
    ],
    feedback: 'Separate data from instructions and never let model output trigger actions unchecked.',
    learningOutcomeId: 'lo-safety',
  },
  {
    type: 'true_false',
    prompt: 'Setting temperature to 0 guarantees identical answers from every hosted model.',
    correctAnswer: false,
    feedback: 'Low temperature reduces variation, but batching and hardware can still change outputs.',
  },
  {
    type: 'numeric',
    prompt:
      'A prompt has 1,200 tokens and the answer may use 800. With a 4,096-token context window, how many tokens are left for retrieved passages?',
    value: 2096,
    feedback: '4,096 − 1,200 − 800 = 2,096.',
    learningOutcomeId: 'lo-structure',
  },
  {
    type: 'short_text',
    prompt:
      'What is the name of the technique where a model is asked to reason step by step before answering?',
    acceptedAnswers: ['chain of thought', 'chain-of-thought', 'chain of thought prompting'],
    feedback: 'Chain-of-thought prompting.',
  },
  {
    type: 'single_choice',
    prompt: 'An evaluation set for a prompt should be…',
    options: [
      { text: 'Fixed before you start iterating, and representative of real inputs', correct: true },
      { text: 'Built from the examples the prompt already handles well' },
      { text: 'Changed every time the prompt changes' },
    ],
    learningOutcomeId: 'lo-evaluate',
  },
  {
    type: 'true_false',
    prompt: 'A system prompt is a security boundary that users cannot override.',
    correctAnswer: false,
    learningOutcomeId: 'lo-safety',
  },
  {
    type: 'multiple_response',
    prompt: 'Which belong in a good task prompt?',
    options: [
      { text: 'The goal and the audience', correct: true },
      { text: 'Constraints on length and format', correct: true },
      { text: 'What to do when information is missing', correct: true },
      { text: 'Flattery of the model' },
    ],
    learningOutcomeId: 'lo-structure',
  },
];

const RAG_RUBRIC: RubricInput = {
  criteria: [
    {
      id: 'retrieval',
      name: 'Retrieval design',
      learningOutcomeId: 'lo-retrieval',
      minimumLevelId: 'competent',
      levels: [
        {
          id: 'emerging',
          name: 'Emerging',
          descriptor: 'Retrieval works on the happy path only.',
          points: 1,
        },
        {
          id: 'competent',
          name: 'Competent',
          descriptor: 'Chunking and ranking are justified; failure cases are handled.',
          points: 3,
        },
        {
          id: 'excellent',
          name: 'Excellent',
          descriptor: 'Design choices are compared with measurements on the learner’s own data.',
          points: 5,
        },
      ],
    },
    {
      id: 'evaluation',
      name: 'Evaluation',
      learningOutcomeId: 'lo-evaluation',
      minimumLevelId: 'competent',
      levels: [
        { id: 'emerging', name: 'Emerging', descriptor: 'Anecdotal checks only.', points: 1 },
        {
          id: 'competent',
          name: 'Competent',
          descriptor: 'A fixed question set with answer faithfulness and retrieval recall measured.',
          points: 3,
        },
        {
          id: 'excellent',
          name: 'Excellent',
          descriptor: 'Evaluation is automated, repeatable and drives at least one documented improvement.',
          points: 5,
        },
      ],
    },
  ],
  passRule: { minimumTotalPoints: 6, minimumLevelOnEveryCriterion: true },
  settings: { supervision: 'unsupervised-no-id', maxAttempts: 3, resubmitAfterHours: 24 },
};

/** Third-party micro-credentials for the external catalogue (fictional providers, `.example` domains). */
const EXTERNAL_CATALOGUE_CSV = [
  'id,title,provider,provider_url,description,url,hours,ects,level,cost,currency,delivery_mode,languages,assessment_type,supervision,pass_mark,validity_months,verifiable,qa_statement,duration',
  'nimbus-cloud-practitioner,Cloud Practitioner,Nimbus Cloud Training,https://nimbus-cloud.example,"Core cloud concepts, pricing and shared responsibility, assessed by a proctored exam.",https://nimbus-cloud.example/cert/practitioner,20,,introductory,100,USD,online,en,exam,supervised-online-id,70,36,true,"Exam items reviewed by an external panel every year.",P3W',
  'nimbus-ml-specialty,Machine Learning Specialty,Nimbus Cloud Training,https://nimbus-cloud.example,"Design, train and deploy machine-learning models on a managed platform; proctored exam with scenario questions.",https://nimbus-cloud.example/cert/ml,60,,advanced,300,USD,online,en,exam,supervised-online-id,75,36,true,"Exam blueprint aligned to a published job-task analysis.",P8W',
  'guild-data-ethics,Data Ethics in Practice,The Data Professionals Guild,https://data-guild.example,"Case-based course on privacy, fairness and accountability with a marked written assignment.",https://data-guild.example/credentials/ethics,12,0.5,EQF 5,250,EUR,blended,en|es,practical,supervised-no-id,60,,true,"Accredited by the guild’s professional standards committee.",P2W',
  'openlearn-python-basics,Python Basics,OpenLearn Collective,https://openlearn.example,"Self-paced introduction to Python with an auto-graded final quiz.",https://openlearn.example/python-basics,15,,introductory,0,EUR,online,en,test,unsupervised-no-id,50,,true,,P2W',
  'quickcert-ai-master,AI Master Certificate,QuickCert Online,https://quickcert.example,"Become an AI master today! Get your certificate instantly after payment.",https://quickcert.example/ai-master,1,,,49,USD,online,en,,,,,false,,P1D',
].join('\n');

async function orgSkillUris(
  services: DemoCatalogueServices,
  actor: Actor,
  slug: string,
): Promise<Map<string, SkillRef>> {
  const byLabel = new Map<string, SkillRef>();
  let cursor: string | undefined;
  do {
    const page = await services.skills.listOrgSkills({ actor, slug, limit: 100, cursor });
    for (const item of page.items) {
      byLabel.set(item.skill.preferred_label, {
        uri: item.skill.uri,
        label: item.skill.preferred_label,
        framework: item.skill.framework_slug,
      });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return byLabel;
}

/**
 * The demo organisation's catalogue, written through the services: its own skill set; a test-assessed and a
 * rubric-assessed micro-credential, published; an externally assessed one, published, already awarded to
 * the demo learner; a draft that still lacks elements (so its conformance report has something to say);
 * and a handful of third-party entries in the external catalogue, one of them a red-flag "certificate".
 */
export async function seedDemoCatalogue(options: {
  actor: Actor;
  slug: string;
  learner: { email: string; name: string };
  services: DemoCatalogueServices;
}): Promise<DemoCatalogueResult> {
  const { actor, slug, services } = options;
  const seeded = await services.skills.seedDemoSkills({ actor, slug });
  const skills = await orgSkillUris(services, actor, slug);
  const pick = (...labels: string[]): SkillRef[] =>
    labels.flatMap((label) => {
      const skill = skills.get(label);
      return skill ? [skill] : [];
    });

  const definitions: DemoCatalogueResult['definitions'] = [];
  const publish = async (id: string) => {
    await services.catalogue.submitDefinition({ actor, slug, id });
    const published = await services.catalogue.publishDefinition({ actor, slug, id });
    definitions.push({ id, title: published.record.title, status: published.record.status });
  };

  const prompt = await services.catalogue.createDefinition({
    actor,
    slug,
    content: baseContent(pick('prompt engineering'), {
      title: 'Prompt Engineering Foundations',
      description:
        'Write, structure and evaluate prompts for large language models, and keep them safe against injection.',
      criteria: {
        narrative:
          'Score at least 70% on the timed online test (three attempts, one hour apart). The test covers prompt structure, evaluation and safety.',
      },
      learningOutcomes: [
        {
          id: 'lo-structure',
          statement: 'Structure a prompt with goal, context, constraints and examples for a given task.',
          skills: pick('prompt engineering'),
        },
        { id: 'lo-evaluate', statement: 'Evaluate prompt changes against a fixed, representative test set.' },
        { id: 'lo-safety', statement: 'Recognise prompt-injection risks and apply basic mitigations.' },
      ],
      workload: { hours: 15, creditPoints: { value: 0.5, framework: 'ECTS' } },
      assessment: {
        type: 'test',
        description: 'Timed online test, automatically scored.',
        supervision: 'unsupervised-no-id',
        gradingScheme: 'pass/fail, percentage score',
        passMark: 70,
      },
      duration: 'P2W',
    }),
  });
  await services.assessments.updateSettings({
    actor,
    slug,
    definitionId: prompt.record.id,
    settings: {
      passMark: 70,
      attemptLimit: 3,
      cooldownSeconds: 3600,
      timeLimitSeconds: 1200,
      itemsPerAttempt: null,
      shuffleItems: true,
      shuffleOptions: true,
      supervision: 'unsupervised-no-id',
    },
  });
  for (const item of PROMPT_TEST_ITEMS) {
    await services.assessments.addItem({ actor, slug, definitionId: prompt.record.id, item });
  }
  await publish(prompt.record.id);

  const rag = await services.catalogue.createDefinition({
    actor,
    slug,
    content: baseContent(pick('retrieval-augmented generation', 'vector databases'), {
      title: 'Retrieval-Augmented Generation in Practice',
      description:
        'Build a retrieval-augmented generation pipeline over a real document collection and measure how well it answers.',
      criteria: {
        narrative:
          'Submit a working pipeline with a short report. Assessors mark it against the published rubric; every criterion must reach "Competent".',
      },
      learningOutcomes: [
        {
          id: 'lo-retrieval',
          statement:
            'Design chunking, indexing and ranking for a document collection and justify the choices.',
          skills: pick('retrieval-augmented generation', 'vector databases'),
        },
        {
          id: 'lo-evaluation',
          statement: 'Measure retrieval recall and answer faithfulness on a fixed question set.',
        },
      ],
      level: { framework: 'EQF', value: '6' },
      workload: { hours: 40, creditPoints: { value: 1.5, framework: 'ECTS' } },
      assessment: {
        type: 'practical',
        description: 'A practical project marked by an assessor against a rubric.',
        supervision: 'unsupervised-no-id',
        gradingScheme: 'rubric: emerging / competent / excellent per criterion',
      },
      duration: 'P6W',
    }),
  });
  await services.portfolio.saveRubric({ actor, slug, definitionId: rag.record.id, rubric: RAG_RUBRIC });
  await publish(rag.record.id);

  const responsible = await services.catalogue.createDefinition({
    actor,
    slug,
    content: baseContent(pick('responsible AI'), {
      title: 'Responsible AI Essentials',
      description:
        'Identify and manage the ethical, legal and societal risks of deploying AI systems in an organisation.',
      criteria: {
        narrative:
          'Pass the proctored exam held at a partner test centre (identity checked on site) with at least 65%.',
      },
      learningOutcomes: [
        {
          id: 'lo-risk',
          statement: 'Assess an AI use case for fairness, privacy and transparency risks.',
          skills: pick('responsible AI'),
        },
        { id: 'lo-governance', statement: 'Propose proportionate governance measures for an AI system.' },
      ],
      assessment: {
        type: 'external',
        description:
          'Proctored exam at a partner test centre; results are recorded from the centre’s system.',
        supervision: 'supervised-onsite-id',
        gradingScheme: 'percentage, pass at 65%',
        passMark: 65,
      },
      participation: { mode: 'blended', selfPaced: false, location: 'Online course, exam on site' },
    }),
  });
  await publish(responsible.record.id);

  const draft = await services.catalogue.createDefinition({
    actor,
    slug,
    content: {
      title: 'LLM Evaluation Methods',
      description: 'A draft still being written: its conformance report lists what is missing.',
      skills: pick('LLM evaluation'),
    },
  });
  definitions.push({ id: draft.record.id, title: draft.record.title, status: draft.record.status });

  const imported = await services.catalogue.importCatalogue({
    actor,
    slug,
    format: 'csv',
    content: EXTERNAL_CATALOGUE_CSV,
  });

  const award = await services.credentials.issueForDefinition({
    actor,
    definitionId: responsible.record.id,
    recipient: { email: options.learner.email, name: options.learner.name },
    result: [{ value: '82', status: 'Completed' }],
    evidence: [
      {
        name: 'Proctored exam result',
        description:
          'Scored 82% at the partner test centre; identity verified on site (supervised-onsite-id).',
      },
    ],
    via: 'external-result',
    idempotencyKey: 'demo:responsible-ai:learner',
  });

  // A target for the learner's gap analysis and learning path out of the box (no ESCO import needed): the
  // demo learner holds Responsible AI; two published credentials teach the rest but agent design and LLM
  // evaluation (still a draft), which the path reports as not covered.
  const roleProfile = await services.skillProfile.createRoleProfile({
    actor,
    scope: { kind: 'organisation', slug },
    input: {
      name: 'AI product engineer',
      description:
        'Builds language-model features into products: prompts, retrieval, evaluation and safety. Demo Academy uses it to plan training.',
      public: true,
      skills: [
        ...pick(
          'prompt engineering',
          'retrieval-augmented generation',
          'responsible AI',
          'AI agent design',
        ).map((skill) => ({ uri: skill.uri, importance: 'essential' as const })),
        ...pick('vector databases', 'LLM evaluation').map((skill) => ({
          uri: skill.uri,
          importance: 'optional' as const,
        })),
      ],
    },
  });

  return {
    roleProfile: { id: roleProfile.row.id, name: roleProfile.row.name },
    skills: seeded.created,
    definitions,
    externalEntries: imported.created,
    awarded: [{ credentialId: award.record.id, title: responsible.record.title }],
  };
}

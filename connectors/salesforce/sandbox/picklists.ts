/**
 * Default picklist values of a fresh org (Setup can change them per org; the sandbox does not).
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunity.htm
 */

export interface PicklistValue {
  value: string;
  label: string;
  defaultValue?: boolean;
}

export interface OpportunityStage {
  name: string;
  probability: number;
  forecastCategory: 'Pipeline' | 'BestCase' | 'Commit' | 'Closed' | 'Omitted';
  forecastCategoryName: 'Pipeline' | 'Best Case' | 'Commit' | 'Closed' | 'Omitted';
  isClosed: boolean;
  isWon: boolean;
}

export const OPPORTUNITY_STAGES: readonly OpportunityStage[] = [
  {
    name: 'Prospecting',
    probability: 10,
    forecastCategory: 'Pipeline',
    forecastCategoryName: 'Pipeline',
    isClosed: false,
    isWon: false,
  },
  {
    name: 'Qualification',
    probability: 10,
    forecastCategory: 'Pipeline',
    forecastCategoryName: 'Pipeline',
    isClosed: false,
    isWon: false,
  },
  {
    name: 'Needs Analysis',
    probability: 20,
    forecastCategory: 'Pipeline',
    forecastCategoryName: 'Pipeline',
    isClosed: false,
    isWon: false,
  },
  {
    name: 'Value Proposition',
    probability: 50,
    forecastCategory: 'Pipeline',
    forecastCategoryName: 'Pipeline',
    isClosed: false,
    isWon: false,
  },
  {
    name: 'Id. Decision Makers',
    probability: 60,
    forecastCategory: 'Pipeline',
    forecastCategoryName: 'Pipeline',
    isClosed: false,
    isWon: false,
  },
  {
    name: 'Perception Analysis',
    probability: 70,
    forecastCategory: 'Pipeline',
    forecastCategoryName: 'Pipeline',
    isClosed: false,
    isWon: false,
  },
  {
    name: 'Proposal/Price Quote',
    probability: 75,
    forecastCategory: 'Pipeline',
    forecastCategoryName: 'Pipeline',
    isClosed: false,
    isWon: false,
  },
  {
    name: 'Negotiation/Review',
    probability: 90,
    forecastCategory: 'Pipeline',
    forecastCategoryName: 'Pipeline',
    isClosed: false,
    isWon: false,
  },
  {
    name: 'Closed Won',
    probability: 100,
    forecastCategory: 'Closed',
    forecastCategoryName: 'Closed',
    isClosed: true,
    isWon: true,
  },
  {
    name: 'Closed Lost',
    probability: 0,
    forecastCategory: 'Omitted',
    forecastCategoryName: 'Omitted',
    isClosed: true,
    isWon: false,
  },
];

const values = (list: readonly string[], defaultValue?: string): PicklistValue[] =>
  list.map((v) => ({ value: v, label: v, ...(v === defaultValue ? { defaultValue: true } : {}) }));

/** EmailMessage.Status is a coded picklist: only '5' (Draft) may be edited afterwards. */
export const EMAIL_STATUS = { New: '0', Read: '1', Replied: '2', Sent: '3', Forwarded: '4', Draft: '5' } as const;

/** Closed Task statuses of a default org (TaskStatus.IsClosed). */
export const CLOSED_TASK_STATUSES: ReadonlySet<string> = new Set(['Completed']);

/** `Type.Field` → values; `restricted` lists the picklists the API refuses unknown values for. */
export const PICKLISTS: Readonly<Record<string, { values: PicklistValue[]; restricted: boolean }>> = {
  'Opportunity.StageName': { values: values(OPPORTUNITY_STAGES.map((s) => s.name)), restricted: true },
  'Opportunity.ForecastCategoryName': {
    values: values(['Omitted', 'Pipeline', 'Best Case', 'Commit', 'Closed']),
    restricted: true,
  },
  'Opportunity.Type': {
    values: values([
      'Existing Customer - Upgrade',
      'Existing Customer - Replacement',
      'Existing Customer - Downgrade',
      'New Customer',
    ]),
    restricted: false,
  },
  'Opportunity.LeadSource': {
    values: values(['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']),
    restricted: false,
  },
  'Contact.LeadSource': {
    values: values(['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']),
    restricted: false,
  },
  'Lead.LeadSource': {
    values: values(['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']),
    restricted: false,
  },
  'Lead.Status': {
    values: values(
      ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
      'Open - Not Contacted',
    ),
    restricted: true,
  },
  'Lead.Rating': { values: values(['Hot', 'Warm', 'Cold']), restricted: false },
  'Account.Type': {
    values: values([
      'Prospect',
      'Customer - Direct',
      'Customer - Channel',
      'Channel Partner / Reseller',
      'Installation Partner',
      'Technology Partner',
      'Other',
    ]),
    restricted: false,
  },
  'Account.Industry': {
    values: values([
      'Agriculture',
      'Banking',
      'Biotechnology',
      'Construction',
      'Education',
      'Electronics',
      'Energy',
      'Finance',
      'Healthcare',
      'Manufacturing',
      'Media',
      'Retail',
      'Technology',
      'Telecommunications',
      'Transportation',
      'Other',
    ]),
    restricted: false,
  },
  'Task.Status': {
    values: values(['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'], 'Not Started'),
    restricted: false,
  },
  'Task.Priority': { values: values(['High', 'Normal', 'Low'], 'Normal'), restricted: false },
  'Task.TaskSubtype': {
    values: values(['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn']),
    restricted: true,
  },
  'Task.Type': { values: values(['Call', 'Email', 'Meeting', 'Other']), restricted: false },
  'Event.Type': { values: values(['Call', 'Email', 'Meeting', 'Other']), restricted: false },
  'Event.ShowAs': { values: values(['Busy', 'OutOfOffice', 'Free'], 'Busy'), restricted: false },
  'EmailMessage.Status': {
    values: Object.entries(EMAIL_STATUS).map(([label, value]) => ({ value, label })),
    restricted: true,
  },
  'EmailMessageRelation.RelationType': {
    values: values(['FromAddress', 'ToAddress', 'CcAddress', 'BccAddress']),
    restricted: true,
  },
  'OpportunityContactRole.Role': {
    values: values([
      'Business User',
      'Decision Maker',
      'Economic Buyer',
      'Economic Decision Maker',
      'Evaluator',
      'Executive Sponsor',
      'Influencer',
      'Technical Buyer',
      'Other',
    ]),
    restricted: false,
  },
};

export function stageByName(name: unknown): OpportunityStage | undefined {
  return OPPORTUNITY_STAGES.find((s) => s.name === name);
}

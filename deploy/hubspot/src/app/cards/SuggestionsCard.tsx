import React, { useCallback, useEffect, useState } from 'react';
import {
  Button,
  ButtonRow,
  Divider,
  EmptyState,
  ErrorState,
  Flex,
  Heading,
  Link,
  List,
  LoadingSpinner,
  Tag,
  Text,
  Tile,
  useExtensionActions,
  useExtensionContext,
} from '@hubspot/ui-extensions';
import { listSuggestions, sendFeedback, type CardAction, type CardSuggestion, type Fetcher } from './closeloop-api';

const TYPE_LABEL: Record<string, string> = {
  stale_deal_follow_up: 'Follow-up',
  budget_risk: 'Budget risk',
  churn_risk: 'Churn risk',
  no_next_step: 'No next step',
  unanswered_ask: 'Unanswered question',
  competitor_mention: 'Competitor',
  duplicate_record: 'Possible duplicate',
  draft_email: 'Draft email',
};
const ACTION_LABEL: Record<CardAction, string> = { useful: 'Useful', not_useful: 'Not useful', done: 'Done' };

type State =
  { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready'; suggestions: CardSuggestion[] };

function SuggestionTile({
  s,
  busy,
  onAction,
}: {
  s: CardSuggestion;
  busy: boolean;
  onAction: (a: CardAction) => void;
}) {
  const markedUseful = s.feedback.includes('useful');
  return (
    <Tile testId={`suggestion-${s.id}`}>
      <Flex direction="column" gap="xs">
        <Flex direction="row" gap="xs" align="center">
          <Tag variant={s.type === 'budget_risk' || s.type === 'churn_risk' ? 'warning' : 'default'}>
            {TYPE_LABEL[s.type] ?? s.type}
          </Tag>
          {s.dueAt ? <Text variant="microcopy">Due {s.dueAt.slice(0, 10)}</Text> : null}
        </Flex>
        <Heading>{s.title}</Heading>
        <Text>{s.reason}</Text>
        {s.evidence.length > 0 ? (
          <>
            <Text format={{ fontWeight: 'demibold' }}>Why</Text>
            <List variant="unordered-styled">
              {s.evidence.map((e) => (
                <Text key={`${e.recordKind}:${e.externalId}:${e.quote}`} testId={`evidence-${s.id}`}>
                  “{e.quote}”{' '}
                  {e.url ? (
                    <Link href={{ url: e.url, external: true }}>{`${e.recordKind} ${e.externalId}`}</Link>
                  ) : (
                    `(${e.recordKind} ${e.externalId})`
                  )}
                </Text>
              ))}
            </List>
          </>
        ) : null}
        <Text variant="microcopy">
          {`${s.explanation.model} · ${s.explanation.tier} · confidence ${Math.round(s.explanation.confidence * 100)}%`}
        </Text>
        <ButtonRow>
          <Button
            testId={`useful-${s.id}`}
            size="sm"
            variant="primary"
            disabled={busy || markedUseful}
            onClick={() => onAction('useful')}
          >
            {markedUseful ? 'Marked useful' : ACTION_LABEL.useful}
          </Button>
          <Button
            testId={`not_useful-${s.id}`}
            size="sm"
            variant="secondary"
            disabled={busy}
            onClick={() => onAction('not_useful')}
          >
            {ACTION_LABEL.not_useful}
          </Button>
          <Button
            testId={`done-${s.id}`}
            size="sm"
            variant="secondary"
            disabled={busy}
            onClick={() => onAction('done')}
          >
            {ACTION_LABEL.done}
          </Button>
        </ButtonRow>
      </Flex>
    </Tile>
  );
}

/**
 * closeloop's open suggestions for the record on screen (deal, company or contact), with their reasons and
 * evidence, and Useful / Not useful / Done going back to closeloop as feedback.
 */
export function SuggestionsCard({ fetcher }: { fetcher: Fetcher }) {
  const context = useExtensionContext<'crm.record.sidebar'>();
  const actions = useExtensionActions<'crm.record.sidebar'>();
  const objectTypeId = String(context.crm.objectTypeId);
  const objectId = String(context.crm.objectId);
  const [state, setState] = useState<State>({ phase: 'loading' });
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(() => {
    setState({ phase: 'loading' });
    listSuggestions(fetcher, objectTypeId, objectId)
      .then((r) => setState({ phase: 'ready', suggestions: r.suggestions }))
      .catch((e: Error) => setState({ phase: 'error', message: e.message }));
  }, [fetcher, objectTypeId, objectId]);
  useEffect(load, [load]);

  const act = (s: CardSuggestion, action: CardAction) => {
    setBusy(s.id);
    sendFeedback(fetcher, s.id, action)
      .then(() => {
        setState((st) => {
          if (st.phase !== 'ready') return st;
          const rest =
            action === 'useful'
              ? st.suggestions.map((x) => (x.id === s.id ? { ...x, feedback: [...x.feedback, 'useful' as const] } : x))
              : st.suggestions.filter((x) => x.id !== s.id);
          return { phase: 'ready', suggestions: rest };
        });
        actions.addAlert({
          type: 'success',
          message: action === 'done' ? 'Marked done. Thanks!' : 'Thanks, closeloop will learn from this.',
        });
      })
      .catch((e: Error) =>
        actions.addAlert({ type: 'danger', message: `closeloop could not record that: ${e.message}` }),
      )
      .finally(() => setBusy(null));
  };

  if (state.phase === 'loading') return <LoadingSpinner label="Loading closeloop suggestions" />;
  if (state.phase === 'error') {
    return (
      <ErrorState title="closeloop is not reachable">
        <Text>{state.message}</Text>
        <Button testId="retry" onClick={load}>
          Try again
        </Button>
      </ErrorState>
    );
  }
  if (state.suggestions.length === 0) {
    return (
      <EmptyState title="Nothing to act on" layout="vertical">
        <Text>closeloop has no open suggestions for this record.</Text>
      </EmptyState>
    );
  }
  return (
    <Flex direction="column" gap="sm">
      {state.suggestions.map((s, i) => (
        <React.Fragment key={s.id}>
          {i > 0 ? <Divider /> : null}
          <SuggestionTile s={s} busy={busy === s.id} onAction={(a) => act(s, a)} />
        </React.Fragment>
      ))}
    </Flex>
  );
}

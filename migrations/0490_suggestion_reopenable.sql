-- A suggestion closeloop withdrew because the CRM changed in a way that can be undone (the deal closed or deleted,
-- the recipient removed, the email moved off the deal, the stage moved back) is "reopenable": when the change is
-- undone (the deal reopened, the record restored, the email put back) the same evidence may raise the situation
-- again (src/suggest/process-suggestion.ts). Every other closed suggestion (done by the rep, dismissed, blocked, or
-- withdrawn because the situation was resolved) keeps its evidence dealt with. A constant default: no table rewrite.
ALTER TABLE suggestions ADD COLUMN reopenable boolean NOT NULL DEFAULT false;

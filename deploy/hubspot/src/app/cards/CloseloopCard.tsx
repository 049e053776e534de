import React from 'react';
import { hubspot } from '@hubspot/ui-extensions';
import { SuggestionsCard } from './SuggestionsCard';

// The card's entry point: HubSpot renders it on deal, company and contact records (closeloop-card-hsmeta.json).
hubspot.extend<'crm.record.sidebar'>(() => <SuggestionsCard fetcher={(url, init) => hubspot.fetch(url, init)} />);

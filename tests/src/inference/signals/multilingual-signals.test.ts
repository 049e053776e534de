import { extractSignals, splitSentences, type SignalType } from '../../../../src/inference/signals/index.js';

// The production detector (shipped n-gram models + lexicon, no sentence encoder) on customer sentences in German,
// French, Spanish, Italian, Portuguese and Dutch. None of these sentences is in tests/fixtures/signals (the held-out
// check, customer-signals-multilingual.csv, is measured by `closeloop eval signals`, docs/benchmarks.md).
const types = (text: string): SignalType[] => [...new Set(extractSignals(text).map((s) => s.type))].sort();

describe('customer sentences in other languages raise the signals English ones do', () => {
  it.each<[string, SignalType]>([
    // Price over what was planned, a discount the deal depends on, a cheaper offer from another vendor.
    ['Der Preis liegt deutlich zu hoch für unsere Abteilung.', 'budget_constraint'],
    ['Le montant proposé reste trop élevé pour notre direction.', 'budget_constraint'],
    ['Sin un descuento no podremos seguir con la compra.', 'budget_constraint'],
    ['Il preventivo supera di molto il nostro budget annuale.', 'budget_constraint'],
    ['A proposta ficou acima do nosso orçamento para 2027.', 'budget_constraint'],
    ['Zonder extra korting gaat dit niet door.', 'budget_constraint'],
    ['Ein anderer Anbieter ist bei gleicher Leistung deutlich günstiger.', 'budget_constraint'],
    // Competitors: named by role, another vendor, an offer evaluated alongside, a price match.
    ['Wir sprechen parallel mit zwei Wettbewerbern.', 'competitor'],
    ['Notre fournisseur actuel a baissé ses prix pour nous garder.', 'competitor'],
    ['Estamos comparando también otras plataformas del mercado.', 'competitor'],
    ["Un'altra azienda ci ha fatto un'offerta simile.", 'competitor'],
    ['Estamos analisando também a oferta de outro parceiro.', 'competitor'],
    ['De huidige leverancier wil hun prijs verlagen als we blijven.', 'competitor'],
    ['Ihr Konkurrent hat angeboten, den Preis zu unterbieten.', 'competitor'],
    // Churn and dissatisfaction.
    ['Wir möchten die Lizenzen zum Quartalsende kündigen.', 'negative_sentiment'],
    ['Nous allons résilier le contrat si rien ne change.', 'negative_sentiment'],
    ['No renovaremos las licencias el año que viene.', 'negative_sentiment'],
    ['Siamo delusi dalla qualità delle ultime release.', 'negative_sentiment'],
    ['A equipe está insatisfeita com os atrasos.', 'negative_sentiment'],
    ['Wij gaan ons contract niet verlengen.', 'negative_sentiment'],
    // Deadlines, approvers and concerns.
    ['Die Schulung muss spätestens Mitte Mai abgeschlossen sein.', 'timeline'],
    ['La mise en production doit avoir lieu avant la fin du trimestre.', 'timeline'],
    ['Tiene que estar instalado a más tardar en septiembre.', 'timeline'],
    ['La decisione finale dipende dal consiglio di amministrazione.', 'decision_maker'],
    ['Quem decide no fim é a diretoria.', 'decision_maker'],
    ['Unser Vorstand muss den Vertrag noch genehmigen.', 'decision_maker'],
    ['Nous avons des réserves sur la migration des données.', 'objection'],
    ['Wij maken ons zorgen over de privacy van onze klanten.', 'objection'],
    ['Ci preoccupa il tempo necessario per la formazione.', 'objection'],
    // Requests without a question mark.
    ['Wir freuen uns auf Ihre Rückmeldung zu unserem Vorschlag.', 'explicit_ask'],
    ['Agradeceríamos que nos enviaran la documentación técnica.', 'explicit_ask'],
    ['Vi chiediamo di inviarci il contratto firmato.', 'explicit_ask'],
    ['Wij zouden het fijn vinden als u de offerte vandaag nog stuurt.', 'explicit_ask'],
  ])('%s → %s', (text, type) => {
    expect(types(text)).toContain(type);
  });

  it.each([
    // Courtesy, thanks, signatures, notices and out-of-office lines carry no risk.
    'Pour toute question, je reste à votre disposition.',
    'Herzlichen Dank für die schnelle Bearbeitung.',
    'Un saludo cordial de parte del director financiero y de todo el equipo.',
    'Ich bin vom 2. bis zum 9. Juni im Urlaub.',
    'Je serai absente jusqu’au lundi 6 janvier.',
    'Il contratto firmato è in allegato.',
    'Unsere Kündigungsfrist beträgt drei Monate, wie vereinbart.',
    'Je reviens vers vous d’ici jeudi avec la réponse du service juridique.',
    'Keine Sorge, das Budget ist freigegeben.',
  ])('no risk signal: %s', (text) => {
    expect(types(text).filter((t) => t !== 'explicit_ask')).toEqual([]);
  });

  it('English: the incumbent matching or undercutting the price is a competitor; a total matching the quote is not', () => {
    expect(types('Their account manager promised to beat any quote we bring them.')).toContain('competitor');
    expect(types("The vendor we have now says they'll undercut you.")).toContain('competitor');
    expect(types('The invoice total matches the quote exactly.')).toEqual([]);
    // Foreign words that are English words too do not fire on English text.
    expect(types('We need 40 concurrent users on the new plan.')).not.toContain('competitor');
  });
});

describe('German ordinal dates do not end a sentence', () => {
  it.each([
    ['Ich bin bis zum 3. Januar nicht im Büro.', 1],
    ['Ich möchte an meine Anfrage vom 12. erinnern. Danke!', 2],
    ['We shipped item 3. Then we stopped.', 2],
  ])('%s', (text, n) => {
    expect(splitSentences(text)).toHaveLength(n);
  });
});

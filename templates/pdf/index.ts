/** Official PDF documents of the complaint procedure. */
export * from './types';
export { renderMarketQualityReport } from './market-quality-report';
export { CONTENT, FormBuilder, PAGE, type Align, type Cell, type CellInput, type Field, type FontWeight, type FormOptions, type SignatureBlock, type TableSpec } from './form';
export { ENUM_LABELS, LABELS, enumLabel, label, localise, type EnumKind, type LabelKey, type Localised } from './labels';
export { FONT_BOLD, FONT_REGULAR, fontSubsetting, fontsDirectory, loadFonts, registerFonts, subsetStats } from './fonts';

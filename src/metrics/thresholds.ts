// Every threshold the metrics use, defined once, each with the source it comes from.

/** WHO Housing and health guidelines (2018), low indoor temperatures: at least 18 °C indoors in cold seasons. */
export const WHO_MIN_TEMPERATURE_C = 18;

/**
 * HHSRS Operating Guidance (2006), profile 2 "Excess cold": below 16 °C the risk of respiratory and cardiovascular
 * harm becomes serious.
 */
export const HHSRS_SERIOUS_COLD_C = 16;

/**
 * 70 % RH: the level Approved Document F (2006) uses in its moisture criterion, above which mould can start on
 * susceptible surfaces when it persists (BS 5250:2021).
 */
export const DAMP_RH_PERCENT = 70;

/** 80 % RH: the critical surface humidity for mould growth in ISO 13788:2012 (monthly mean). */
export const MOULD_RH_PERCENT = 80;

/**
 * Approved Document F (2006), moisture criterion for dwellings: relative humidity should exceed 70 % for no more
 * than 2 hours, and 90 % for no more than 1 hour, in any 12-hour period. At hourly resolution a day fails when
 * 3 hourly means above 70 %, or 2 above 90 %, fall within 12 consecutive hours.
 */
export const ADF_WINDOW_HOURS = 12;
export const ADF_HIGH_RH_PERCENT = 70;
export const ADF_MAX_HOURS_ABOVE_HIGH = 2;
export const ADF_VERY_HIGH_RH_PERCENT = 90;
export const ADF_MAX_HOURS_ABOVE_VERY_HIGH = 1;

/**
 * Magnus formula over water with the Sonntag (1990) constants a = 17.62, b = 243.12 °C, c = 6.112 hPa (as in the WMO
 * CIMO Guide, WMO-No. 8); Alduchov & Eskridge (1996) show the form is accurate to < 0.4 % for −40…50 °C.
 */
export const MAGNUS_A = 17.62;
export const MAGNUS_B_C = 243.12;
export const MAGNUS_C_HPA = 6.112;

/**
 * Temperature factor at the internal surface, fRsi = (θsi − θe) / (θi − θe), as ISO 13788:2012 defines it. 0.75 is
 * the critical value for dwellings in BRE IP 1/06 (2006): a surface at fRsi 0.75 stands for the coldest acceptable
 * spot of a wall (a junction, a window reveal), where mould starts first.
 */
export const ISO13788_FRSI = 0.75;

/** Room slug of a home's outdoor sensor; its temperature is the θe of ISO 13788. */
export const OUTDOOR_ROOM = 'outdoor';

/** Rooms whose slug starts with this are bedrooms (the rooms CIBSE TM59's night criterion applies to). */
export const BEDROOM_PREFIX = 'bedroom';

/** Daytime is local 07:00–23:00 (CIBSE TM59 2017, occupied hours of living rooms and kitchens). */
export const DAYTIME_START_HOUR = 7;
export const DAYTIME_END_HOUR = 23;

/** Night is local 22:00–07:00 (CIBSE TM59 2017, bedroom sleeping hours). */
export const NIGHT_START_HOUR = 22;
export const NIGHT_END_HOUR = 7;

/**
 * CIBSE TM59 (2017) criterion (b): in bedrooms from 22:00 to 07:00 the temperature shall not exceed 26 °C for more
 * than 1 % of night hours (32 of 3,285 a year).
 */
export const TM59_NIGHT_LIMIT_C = 26;
export const TM59_MAX_NIGHT_SHARE = 0.01;

/**
 * CO2 band edges (ppm). 800: below it a room is likely well ventilated, and 1500: above it poorly ventilated (HSE,
 * "Ventilation in the workplace", 2021; SAGE-EMG 2020). 1000: the daily mean limit for new mechanically ventilated
 * rooms in BB101 (2018). Bands: < 800, 800–1000 inclusive, above 1000 to 1500 inclusive, above 1500; "above" is
 * strictly greater everywhere.
 */
export const CO2_WELL_VENTILATED_PPM = 800;
export const CO2_GUIDE_PPM = 1000;
export const CO2_POOR_PPM = 1500;

/** WHO Global air quality guidelines (2021): PM2.5 24-hour mean guideline 15 µg/m³. */
export const WHO_PM25_24H_UG_M3 = 15;

/**
 * Share of a period's sensor-hours that must hold a valid reading before a home-period counts. Also the share of a
 * day's hours a PM2.5 day needs before its mean stands for a 24-hour mean.
 */
export const MIN_COVERAGE = 0.75;

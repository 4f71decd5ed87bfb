export {
  type Holiday,
  easterSunday,
  lastWeekday,
  nthWeekday,
  nyseEarlyCloses,
  nyseHolidays,
} from './nyseHolidays';
export {
  type MarketCalendar,
  type NyseCalendarOptions,
  NYSE_SPECIAL_CLOSURES,
  nyseCalendar,
} from './marketCalendar';

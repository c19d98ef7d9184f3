// menuAlarmStat and menuAlarmSevr indexes under the short names records use: the codec's
// alarm.h constants, which clients see in STS replies.
export { CaAlarmSeverity as SEVR, CaAlarmStatus as STAT } from "../../ca/index.js";

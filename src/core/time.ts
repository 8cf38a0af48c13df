/** Relais works in French time: office hours, deadlines and the dates it writes are Paris time. */
export const TIME_ZONE = 'Europe/Paris';

// Every migration, in order. A migration is listed here once reviewed; never edited after it lands.
import { CreateFoundation1795392000000 } from './1795392000000-CreateFoundation';
import { CreateCalendar1795400000000 } from './1795400000000-CreateCalendar';
import { CreateTemplatesAndPlaybooks1795520000000 } from './1795520000000-CreateTemplatesAndPlaybooks';

export const MIGRATIONS = [CreateFoundation1795392000000, CreateCalendar1795400000000, CreateTemplatesAndPlaybooks1795520000000];

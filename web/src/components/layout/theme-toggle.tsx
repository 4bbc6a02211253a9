/** Light/dark switch in the top bar (button "Toggle theme"); the choice is saved, the system is the default. */
import { Moon, Sun } from 'lucide-react';
import { Button } from '../ui/button';
import { useTheme } from '../../lib/theme';

export function ThemeToggle() {
  const { dark, toggle } = useTheme();
  return (
    <Button variant="ghost" size="icon" aria-label="Toggle theme" aria-pressed={dark} title="Toggle theme" onClick={toggle}>
      {dark ? <Sun /> : <Moon />}
    </Button>
  );
}

import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The machine is shared: give find* queries time beyond the 1 s default.
configure({ asyncUtilTimeout: 4000 });

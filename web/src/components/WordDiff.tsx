// The new text with what an edit added marked, and what it removed struck through: readable without colour too.
import { Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { DiffPart } from './word-diff';

export function WordDiff({ parts, label }: { parts: DiffPart[]; label: string }): ReactNode {
  return (
    <Text component="div" size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} aria-label={label} data-testid="word-diff">
      {parts.map((part, i) =>
        part.kind === 'same' ? (
          <span key={i}>{part.text}</span>
        ) : part.kind === 'added' ? (
          <ins key={i} className="holdfast-diff-added" style={{ background: '#d3f9d8', color: '#0b3d17', textDecoration: 'underline' }}>
            {part.text}
          </ins>
        ) : (
          <del key={i} className="holdfast-diff-removed" style={{ background: '#ffe3e3', color: '#7a0b0b' }}>
            {part.text}
          </del>
        ),
      )}
    </Text>
  );
}

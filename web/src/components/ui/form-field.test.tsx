// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { FormField } from './form-field';
import { Input } from './input';
import { ApiError, fieldErrors } from '../../api/errors';

afterEach(cleanup);

describe('form fields and server errors', () => {
  it('binds the label to the control and links the error message to it', () => {
    render(
      <FormField label="Port" error="Port must be integer">
        <Input />
      </FormField>,
    );
    const input = screen.getByLabelText('Port');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const describedBy = input.getAttribute('aria-describedby')!;
    expect(document.getElementById(describedBy)!.textContent).toBe('Port must be integer');
  });

  it('maps a validation error to the fields it names, and a conflict message to the field it mentions', () => {
    const invalid = new ApiError(422, {
      code: 'validation_error',
      message: 'Invalid request: body.port must be integer',
      details: [
        { field: 'body.port', message: 'must be integer' },
        { field: 'body.name', message: 'is required' },
      ],
    });
    expect(fieldErrors(invalid)).toEqual({ port: 'Port must be integer', name: 'Name is required' });
    const taken = new ApiError(409, { code: 'conflict', message: 'A data source named "pg" already exists' });
    expect(fieldErrors(taken, ['name', 'host'])).toEqual({ name: 'A data source named "pg" already exists' });
  });
});

import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors';
import { SignInForm } from './dto/sign-in-form.dto';
import { fieldError, fieldId, formErrorsFrom, validateForm } from './forms';

describe('validateForm', () => {
  it.each([
    [{ email: ' a@b.nhs.uk ', password: 'pw', _csrf: 't' }, []],
    [{}, ['email:Enter your email address', 'password:Enter your password']],
    [{ email: '   ', password: 'pw' }, ['email:Enter your email address']],
    [{ email: ['a', 'b'], password: 'pw' }, ['email:Enter your email address']],
    [undefined, ['email:Enter your email address', 'password:Enter your password']],
    ['not an object', ['email:Enter your email address', 'password:Enter your password']],
  ])('%j -> %j', async (body, expected) => {
    const { errors } = await validateForm(SignInForm, body);
    expect(errors.map((e) => `${e.field}:${e.text}`)).toEqual(expected);
    for (const e of errors) expect(e.href).toBe(`#${e.field}`);
  });

  it('trims, and drops fields the form does not declare', async () => {
    const { form } = await validateForm(SignInForm, {
      email: ' a@b.nhs.uk ',
      password: ' pw ',
      _csrf: 't',
    });
    expect(form).toEqual({ email: 'a@b.nhs.uk', password: ' pw ' });
  });
});

describe('formErrorsFrom', () => {
  it.each([
    [
      new RuleViolationError('capacity', 'The cohort is full', [
        { field: 'studentId', message: 'Already enrolled' },
      ]),
      [{ field: 'studentId', href: '#studentId', text: 'Already enrolled' }],
    ],
    [new ConflictError('duplicate', 'Already enrolled'), [{ text: 'Already enrolled' }]],
    [
      new BadRequestException({
        message: 'x',
        errors: [{ field: 'records.0.minutes', message: 'Enter the minutes' }],
      }),
      [{ field: 'records.0.minutes', href: '#records-0-minutes', text: 'Enter the minutes' }],
    ],
    [new BadRequestException('Bad date'), [{ text: 'Bad date' }]],
  ])('turns %p into form errors', (error, expected) => {
    expect(formErrorsFrom(error)).toEqual(expected);
  });

  it.each([[new NotFoundError('Cohort', 'x')], [new NotFoundException()], [new Error('boom')]])(
    'rethrows what a form cannot fix: %p',
    (error) => {
      expect(() => formErrorsFrom(error)).toThrow(error);
    },
  );
});

describe('fieldError and fieldId', () => {
  const errors = [{ field: 'email', href: '#email', text: 'Enter your email address' }];
  it.each([
    ['email', { text: 'Enter your email address' }],
    ['password', undefined],
  ])('%s -> %j', (field, expected) => {
    expect(fieldError(errors, field)).toEqual(expected);
  });

  it.each([
    ['email', 'email'],
    ['records.0.status', 'records-0-status'],
    ['a b', 'a-b'],
  ])('id of %s is %s', (field, id) => {
    expect(fieldId(field)).toBe(id);
  });
});

import { Button, Mail } from '../components/Mail.js';

/** Account emails: each has an HTML part (these components) and a plain-text part. */

export interface LinkMail {
  name: string;
  link: string;
}

export const verifyEmailText = (p: LinkMail) =>
  `Hi ${p.name},\n\nPlease confirm your email address for TrekTribe by opening this link:\n\n${p.link}\n\nThe link works once and expires in 24 hours. If you did not sign up, ignore this email.\n`;

export function VerifyEmailMail(p: LinkMail) {
  return (
    <Mail title="Confirm your email address">
      <p>Hi {p.name},</p>
      <p>Please confirm your email address for TrekTribe.</p>
      <Button href={p.link} label="Confirm my email" />
      <p>Or open this link: {p.link}</p>
      <p>The link works once and expires in 24 hours. If you did not sign up, ignore this email.</p>
    </Mail>
  );
}

export const resetPasswordText = (p: LinkMail) =>
  `Hi ${p.name},\n\nSomeone (hopefully you) asked to reset your TrekTribe password. Choose a new one here:\n\n${p.link}\n\nThe link works once and expires in 1 hour. If you did not ask for this, ignore this email: your password stays the same.\n`;

export function ResetPasswordMail(p: LinkMail) {
  return (
    <Mail title="Reset your password">
      <p>Hi {p.name},</p>
      <p>Someone (hopefully you) asked to reset your TrekTribe password.</p>
      <Button href={p.link} label="Choose a new password" />
      <p>Or open this link: {p.link}</p>
      <p>
        The link works once and expires in 1 hour. If you did not ask for this, ignore this email: your password stays
        the same.
      </p>
    </Mail>
  );
}

export interface WelcomeProps {
  name: string;
  role: string;
  url: string;
  /** An organizer's free trial, which starts as the account does. */
  trialDays: number;
}

export const welcomeText = (p: WelcomeProps) =>
  p.role === 'organizer'
    ? `Welcome to TrekTribe, ${p.name}!\n\nList your first trek from your dashboard: ${p.url}/dashboard\n\nYour ${p.trialDays}-day free trial has started: ${p.url}/organizer/subscription\n`
    : `Welcome to TrekTribe, ${p.name}!\n\nFind your next trek: ${p.url}/trips\n`;

export function WelcomeMail(p: WelcomeProps) {
  return (
    <Mail title={`Welcome to TrekTribe, ${p.name}!`}>
      {p.role === 'organizer' ? (
        <>
          <p>List your first trek from your dashboard.</p>
          <Button href={`${p.url}/dashboard`} label="Go to my dashboard" />
          <p>Your {p.trialDays}-day free trial has started.</p>
        </>
      ) : (
        <>
          <p>Small groups, real organizers, honest prices.</p>
          <Button href={`${p.url}/trips`} label="Find your next trek" />
        </>
      )}
    </Mail>
  );
}

export const phoneCodeText = (code: string) =>
  `${code} is your TrekTribe verification code. It expires in 10 minutes. Do not share it with anyone.`;

export const verifyEmailHtml = (p: LinkMail) => (<VerifyEmailMail {...p} />).toString();
export const resetPasswordHtml = (p: LinkMail) => (<ResetPasswordMail {...p} />).toString();
export const welcomeHtml = (p: WelcomeProps) => (<WelcomeMail {...p} />).toString();

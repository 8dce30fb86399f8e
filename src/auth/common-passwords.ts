// Passwords that top the public breach lists (and their 12-character stretchings): refused outright.
// Short ones are refused by the length rule anyway; they are here so the list stays honest if it changes.
const LIST = `
123456 123456789 12345678 password qwerty123 qwerty 1234567 111111 1234567890 123123 abc123 1234 password1
iloveyou 1q2w3e4r 000000 qwertyuiop 123321 654321 666666 7777777 dragon monkey letmein football baseball
welcome welcome1 sunshine princess admin admin123 master shadow superman michael jennifer trustno1 hello123
freedom whatever starwars passw0rd zaq12wsx 1qaz2wsx qazwsxedc asdfghjkl zxcvbnm
123456789012 1234567890123 12345678901234 123456123456 111111111111 000000000000 121212121212 123123123123
112233445566 987654321098 098765432109 147258369147 159753159753 741852963741
password1234 password12345 password123456 password2024 password2025 password2026 passwordpassword
password1234! password123! p@ssw0rd1234 p@ssword1234 passw0rd1234 mypassword123 mypassword1234
qwertyuiop12 qwertyuiop123 qwerty123456 qwerty1234567 qwertyqwerty qwertyuiopasdf 1q2w3e4r5t6y 1q2w3e4r5t6y7u
asdfghjkl123 asdfasdfasdf zxcvbnm12345 1qaz2wsx3edc qazwsxedcrfv qweasdzxc123 abcdefghijkl abcd1234abcd
abc123abc123 aaaaaaaaaaaa iloveyou1234 iloveyou2024 iloveyouiloveyou letmein12345 letmeinletmein
welcome12345 welcome123456 welcometothejungle administrator admin1234567 administrator1 changeme1234
changemenow! changeme123! default12345 temporary123 temppassword1 newpassword1 newpassword123
football1234 baseball1234 basketball12 superman1234 batman123456 spiderman123 starwars1234 pokemon12345
princess1234 sunshine1234 monkey123456 dragon123456 shadow123456 master123456 whatever1234 trustno11234
correcthorsebatterystaple thequickbrownfox thequickbrownfoxjumpsoverthelazydog
ilovemyfamily ilovemymother iloveyoubaby loveyouforever
holdfast1234 holdfast12345 holdfastholdfast socialmedia123 marketing1234 instagram123 facebook1234
twitter12345 linkedin1234 summer202412 winter202412 spring202412 autumn202412 january12345
`;

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  LIST.split('\n')
    .flatMap((line) => line.trim().split(/\s+/))
    .filter(Boolean)
    .concat(['correct horse battery staple'])
    .map((word) => word.toLowerCase()),
);
